using Burst.ControlPlane;

// Settings come from the "Burst" configuration section (appsettings.json, Burst__Listen=..., --Burst:DataDir=...).
var app = ControlPlaneApp.Build(new ControlPlaneOptions(), args);
try
{
    ControlPlaneApp.OpenStore(app);
}
catch (DataDirException e)
{
    Console.Error.WriteLine($"Burst.ControlPlane: {e.Message}");
    return 1;
}

app.Run();
return 0;

public partial class Program;
