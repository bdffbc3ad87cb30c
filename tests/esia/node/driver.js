// Drives npm `esia` 0.2.3 against the lab's IdP, as an integration would, for tests/esia/test_npm_esia.py.
//   node driver.js auth   CONFIG_JSON            -> {"url": ..., "params": {...}}
//   node driver.js access CONFIG_JSON CODE PATHS -> {"marker": ..., "data": [...]}
// CONFIG_JSON: {"esiaUrl", "clientId", "redirectUri", "scope", "certificateFile", "keyFile"}.
'use strict';

const fs = require('fs');
const esia = require('esia');

function connection(config) {
  return esia({
    esiaUrl: config.esiaUrl,
    clientId: config.clientId,
    redirectUri: config.redirectUri,
    scope: config.scope,
    certificate: fs.readFileSync(config.certificateFile, 'utf8'),
    key: fs.readFileSync(config.keyFile, 'utf8'),
  });
}

async function main() {
  const [command, configJson, code, pathsJson] = process.argv.slice(2);
  const client = connection(JSON.parse(configJson));
  if (command === 'auth') {
    return client.getAuth();
  }
  if (command === 'access') {
    return client.getAccess(code, JSON.parse(pathsJson || '["/"]'));
  }
  throw new Error(`unknown command ${command}`);
}

main().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);
