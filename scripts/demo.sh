#!/usr/bin/env bash
# The main job: a control plane on this machine runs the Census burst search
# (embedded defaults: local agent process, file storage, SQLite) and prints the
# model's test accuracy.  Extra arguments go to `burst demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prereqs.sh
dotnet build clients/Burst.Cli -c Release -nologo -v quiet -clp:ErrorsOnly
exec clients/Burst.Cli/bin/Release/net10.0/burst demo "$@"
