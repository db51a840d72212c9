#!/bin/bash
# The startup script of `burst image build`'s builder VM: it turns a plain Debian VM into a burst
# worker image (the .NET runtime, libxgboost0 and burst-agent in /opt/burst), reports the outcome
# in the guest attribute burst/image-build (done or failed) and powers off, so that the image can be
# made from its disk. The agent package (a tarball of `dotnet publish` output) is the instance
# attribute burst-agent-package: a gs:// or https:// URL.
set -euxo pipefail

MD="http://${GCE_METADATA_HOST:-metadata.google.internal}/computeMetadata/v1"
attribute() { curl -sf -H 'Metadata-Flavor: Google' "$MD/instance/attributes/$1"; }
report() { curl -sf -X PUT -H 'Metadata-Flavor: Google' --data "$1" "$MD/instance/guest-attributes/burst/image-build" || true; }
trap 'report failed; shutdown -h now' ERR

package=$(attribute burst-agent-package)
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ca-certificates curl libxgboost0 libgomp1

# The ASP.NET Core runtime (burst-agent runs on the shared framework), from Microsoft's install script.
curl -sSfL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
bash /tmp/dotnet-install.sh --channel 10.0 --runtime aspnetcore --install-dir /usr/share/dotnet
ln -sf /usr/share/dotnet/dotnet /usr/bin/dotnet
mkdir -p /etc/dotnet && echo /usr/share/dotnet > /etc/dotnet/install_location

mkdir -p /opt/burst
case "$package" in
  gs://*) gcloud storage cp "$package" /tmp/burst-agent.tar.gz ;;
  *) curl -sSfL "$package" -o /tmp/burst-agent.tar.gz ;;
esac
tar -xzf /tmp/burst-agent.tar.gz -C /opt/burst
chmod +x /opt/burst/burst-agent
/opt/burst/burst-agent --help > /dev/null

apt-get clean
rm -rf /var/lib/apt/lists/* /tmp/burst-agent.tar.gz /tmp/dotnet-install.sh
report done
sync
shutdown -h now
