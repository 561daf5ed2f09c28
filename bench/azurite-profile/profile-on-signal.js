// Loaded into Azurite by ./node: the first SIGUSR2 starts the V8 CPU profiler, the next one stops
// it and writes azurite-<time>.cpuprofile into $AZURITE_PROFILE_DIR (or the working directory).
// (node refuses --cpu-prof in NODE_OPTIONS, and that flag profiles the whole run, not one night.)
'use strict';
const inspector = require('inspector');
const fs = require('fs');
const path = require('path');

const session = new inspector.Session();
session.connect();
let profiling = false;

process.on('SIGUSR2', () => {
  if (!profiling) {
    profiling = true;
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
    return;
  }

  profiling = false;
  session.post('Profiler.stop', (error, result) => {
    if (error) {
      console.error(`Azurite profile not written: ${error.message}`);
      return;
    }

    const file = path.join(process.env.AZURITE_PROFILE_DIR || process.cwd(), `azurite-${Date.now()}.cpuprofile`);
    fs.writeFileSync(file, JSON.stringify(result.profile));
  });
});
