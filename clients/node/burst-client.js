#!/usr/bin/env node
// A BurstGrpc client in another language, built from the protos at run time:
// submits a job and follows it with WatchJob until it ends.
//
//   node clients/node/burst-client.js [--server 127.0.0.1:50051 | https://host:port] [--spec spec.json]
//
// BURST_API_KEY, when set, goes with every call as `authorization: Bearer KEY` (a server with
// --api-keys needs it). An https:// server is called over TLS, trusting BURST_CA_FILE (PEM) if set.
//
// The spec is a JobSpec in proto3 JSON field names (snake_case, as in the .proto files).
// Prints one line per event and exits 0 when the job SUCCEEDED, 1 otherwise.
'use strict';
const path = require('path');
const fs = require('fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const server = arg('--server', process.env.BURST_SERVER_ADDRESS || '127.0.0.1:50051');
const specFile = arg('--spec', null);
const protoRoot = path.join(__dirname, '..', '..', 'protos');
const definition = protoLoader.loadSync('burst/v1/job_service.proto', {
  includeDirs: [protoRoot],
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  oneofs: true,
});
const burst = grpc.loadPackageDefinition(definition).burst.v1;

// TLS for https://, with a private CA from BURST_CA_FILE; plain HTTP/2 otherwise.
const tls = server.startsWith('https://');
const address = server.replace(/^https?:\/\//, '');
const channelCredentials = tls
  ? grpc.credentials.createSsl(process.env.BURST_CA_FILE ? fs.readFileSync(process.env.BURST_CA_FILE) : null)
  : grpc.credentials.createInsecure();
const client = new burst.JobService(address, channelCredentials);

// The API key travels as call metadata on every call (grpc-js adds it per call, so it works over plain text too).
const metadata = new grpc.Metadata();
if (process.env.BURST_API_KEY) {
  metadata.set('authorization', `Bearer ${process.env.BURST_API_KEY}`);
}

const spec = specFile ? JSON.parse(fs.readFileSync(specFile, 'utf8')) : {};
client.SubmitJob({ request_id: `node-${process.pid}-${Date.now()}`, spec }, metadata, (err, job) => {
  if (err) {
    console.error(`SubmitJob failed: ${err.code} ${err.details}`);
    process.exit(1);
  }
  console.log(`submitted ${job.job_id} (${job.state})`);
  let finalState = null;
  const stream = client.WatchJob({ job_id: job.job_id, after_sequence: 0 }, metadata);
  stream.on('data', (event) => {
    switch (event.kind) {
      case 'state_changed':
        finalState = event.state_changed.state;
        console.log(`#${event.sequence} state ${event.state_changed.state}`);
        break;
      case 'trial':
        console.log(`#${event.sequence} trial ${event.trial.trial_id} mean ${event.trial.mean_score.toFixed(5)}`);
        break;
      case 'result': {
        const m = event.result.test_metrics || {};
        console.log(`#${event.sequence} result test_accuracy ${m.accuracy} model ${event.result.model_uri}`);
        break;
      }
      default:
        console.log(`#${event.sequence} ${event.kind}`);
    }
  });
  stream.on('error', (e) => {
    console.error(`WatchJob failed: ${e.code} ${e.details}`);
    process.exit(1);
  });
  stream.on('end', () => {
    console.log(`final state ${finalState}`);
    process.exit(finalState === 'JOB_STATE_SUCCEEDED' ? 0 : 1);
  });
});
