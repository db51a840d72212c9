using System.Net;
using System.Net.Sockets;

namespace Burst.ControlPlane.Web;

/// <summary>Whether a dashboard address can be bound now, so that a taken default port turns the dashboard off instead of failing the start.</summary>
public static class WebListenProbe
{
    public const string None = "none";

    /// <summary>True for an unset address or "none": no dashboard.</summary>
    public static bool IsOff(string? webListen) =>
        string.IsNullOrWhiteSpace(webListen) || webListen.Trim().Equals(None, StringComparison.OrdinalIgnoreCase);

    /// <summary>False when the address parses and its port is in use; a bad address is left to the options validator.</summary>
    public static bool CanBind(string webListen)
    {
        if (!ListenEndpoint.TryParse(webListen, out var endpoint, out _) || endpoint!.Port == 0)
        {
            return true;
        }

        var address = endpoint.Localhost ? IPAddress.Loopback : endpoint.Address!;
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, endpoint.Port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
