# syntax=docker/dockerfile:1
# The control plane (gRPC on 50051, HTTP/1 health probes on 8081). Build from the repository root:
#   docker build -f docker/control-plane.Dockerfile -t burst-control-plane .
# .NET 10 images are Ubuntu 24.04 "noble" (Microsoft ships no Debian images for .NET 10); the tag
# names it so that a change of the default distro cannot change this image unnoticed.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
# Project files first, so that the restore layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY protos/Burst.Protos.csproj protos/
COPY services/Burst.ServiceDefaults/Burst.ServiceDefaults.csproj services/Burst.ServiceDefaults/
COPY services/Burst.Training/Burst.Training.csproj services/Burst.Training/
COPY services/Burst.Cloud/Burst.Cloud.csproj services/Burst.Cloud/
COPY services/Burst.Contracts/Burst.Contracts.csproj services/Burst.Contracts/
COPY services/Burst.TrainerAgent/Burst.TrainerAgent.csproj services/Burst.TrainerAgent/
COPY services/Burst.ControlPlane/Burst.ControlPlane.csproj services/Burst.ControlPlane/
RUN dotnet restore services/Burst.ControlPlane/Burst.ControlPlane.csproj -r linux-x64
COPY protos/ protos/
COPY services/ services/
# The bundled census data ships next to burst-agent (bundled://census/...).
COPY data/census/ data/census/
# The output holds burst-agent as well: the local provider starts it from there. ReadyToRun: both start
# on precompiled code, where a JIT-only server spends up to a third of its CPU compiling for its first ~20 s
# under load (bench/control-plane.sh).
RUN dotnet publish services/Burst.ControlPlane/Burst.ControlPlane.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true --no-restore -o /out/control-plane

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble
# The local provider runs its agents in this container, and they train with XGBoost
# (libxgboost0 is in Ubuntu's universe component, which the image's sources include).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libxgboost0 \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /data \
    && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build /out/control-plane/ ./
# Listening on 0.0.0.0 needs API keys: mount a keys file and set Burst__ApiKeysFile=/path/to/keys
# (or Burst__InsecureNoAuth=true where only trusted callers reach the port, as compose.yaml does).
ENV Burst__Listen=http://0.0.0.0:50051 \
    Burst__HealthListen=http://0.0.0.0:8081 \
    Burst__DataDir=/data \
    Burst__AdvertisedUrl=http://127.0.0.1:50051
EXPOSE 50051 8081
VOLUME /data
# The aspnet images define the unprivileged "app" user and its id, APP_UID.
USER $APP_UID
ENTRYPOINT ["./Burst.ControlPlane"]
