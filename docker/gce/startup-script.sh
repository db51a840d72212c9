#!/bin/bash
# What a burst worker VM runs at boot (the gce provider sets it as the instance's startup-script).
#
# The agent reads its settings (control plane, job, worker, token, traceparent) from the instance
# attributes itself; this script only starts it and makes sure the VM does not outlive it:
#   - an image built by `burst image build` has /opt/burst/burst-agent: it runs that;
#   - with the attribute burst-container-image (Container-Optimized OS), it runs the agent in that
#     image with docker (the image's entrypoint must be burst-agent).
# The agent deletes its own VM when the job is over (BURST_EXIT_ACTION=delete-instance). Whatever
# ends it otherwise, the VM powers off here, so no idle minute is billed; the control plane deletes it.
# Output goes to the serial console and the journal (google_metadata_script_runner logs it).
set -uo pipefail

MD="http://${GCE_METADATA_HOST:-metadata.google.internal}/computeMetadata/v1"
attribute() { curl -sf -H 'Metadata-Flavor: Google' "$MD/instance/attributes/$1"; }
log() { echo "burst-startup: $*" | tee /dev/console 2>/dev/null || echo "burst-startup: $*"; }

job=$(attribute burst-job-id || true)
worker=$(attribute burst-worker-id || true)
image=$(attribute burst-container-image || true)
log "job ${job:-?}, worker ${worker:-?}: starting burst-agent"

export BURST_EXIT_ACTION=delete-instance
status=0
if [ -n "$image" ]; then
  # Artifact Registry and gcr.io pulls use the VM's service account.
  if command -v docker-credential-gcr >/dev/null; then
    docker-credential-gcr configure-docker --registries="${image%%/*}" >/dev/null 2>&1 || true
  fi
  # Host networking: the agent reaches the metadata server and the control plane as the VM does.
  docker run --rm --network host --name burst-agent -e BURST_EXIT_ACTION "$image" agent 2>&1 | tee /dev/console
  status=${PIPESTATUS[0]}
else
  agent=/opt/burst/burst-agent
  if [ ! -x "$agent" ]; then
    log "no $agent in this image: build the image with \`burst image build\`"
    status=127
  else
    "$agent" agent 2>&1 | tee /dev/console
    status=${PIPESTATUS[0]}
  fi
fi

log "burst-agent exited with $status; powering off"
shutdown -h now
