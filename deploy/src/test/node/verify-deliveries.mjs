// Verifies webhook requests captured by Herald's end-to-end test with the public libraries receivers use:
// standardwebhooks (webhook-signature) and @octokit/webhooks-methods (X-Herald-Signature, GitHub style).
// Usage: node verify-deliveries.mjs captured.json
// captured.json: [{"secret": "whsec_...", "publicKey": "whpk_..." (optional), "body": "...", "headers": {...}}]
// Each real request must verify; a tampered body, a wrong secret and a stale timestamp must be rejected.
// Exits 0 only if every expectation holds.
import { readFileSync } from "node:fs";
import { createPublicKey, verify as verifyEd25519 } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { verify as verifyGithubStyle } from "@octokit/webhooks-methods";

const captured = JSON.parse(readFileSync(process.argv[2], "utf8"));
let passed = 0;
let failed = 0;

function expect(label, ok) {
  console.log(`${ok ? "ok  " : "FAIL"} ${label}`);
  ok ? passed++ : failed++;
}

function standardAccepts(secret, body, headers) {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch (error) {
    return false;
  }
}

// v1a: ed25519 over "id.timestamp.body", checked with node's own crypto (no Standard Webhooks library has it).
function ed25519Accepts(publicKey, body, headers) {
  const raw = Buffer.from(publicKey.slice("whpk_".length), "base64");
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  const signed = Buffer.from(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`);
  return headers["webhook-signature"].split(" ")
    .filter((entry) => entry.startsWith("v1a,"))
    .some((entry) => verifyEd25519(null, signed, key, Buffer.from(entry.slice(4), "base64")));
}

for (const request of captured) {
  const { secret, publicKey, body, headers } = request;
  const id = headers["webhook-id"];
  const wrongSecret = "whsec_" + Buffer.from("not-the-secret-not-the-secret-00").toString("base64");

  expect(`${id} standardwebhooks accepts the delivery`, standardAccepts(secret, body, headers));
  expect(`${id} standardwebhooks rejects a tampered body`, !standardAccepts(secret, body + " ", headers));
  expect(`${id} standardwebhooks rejects a wrong secret`, !standardAccepts(wrongSecret, body, headers));

  // A correctly signed message that is 10 minutes old must fail on its timestamp (replay protection).
  const stale = new Date(Date.now() - 10 * 60 * 1000);
  const staleHeaders = {
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(stale.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(id, stale, body),
  };
  expect(`${id} standardwebhooks rejects a stale timestamp`, !standardAccepts(secret, body, staleHeaders));

  if (publicKey) {
    expect(`${id} node:crypto accepts the v1a ed25519 signature`, ed25519Accepts(publicKey, body, headers));
    expect(`${id} node:crypto rejects v1a on a tampered body`, !ed25519Accepts(publicKey, body + " ", headers));
  }

  const heraldSignature = headers["x-herald-signature"];
  expect(`${id} @octokit/webhooks-methods accepts X-Herald-Signature`,
    await verifyGithubStyle(secret, body, heraldSignature));
  expect(`${id} @octokit/webhooks-methods rejects a tampered body`,
    !(await verifyGithubStyle(secret, body + " ", heraldSignature)));
  expect(`${id} @octokit/webhooks-methods rejects a wrong secret`,
    !(await verifyGithubStyle(wrongSecret, body, heraldSignature)));
}

console.log(`node verifiers: ${passed} expectations met, ${failed} not met`);
process.exit(failed === 0 && captured.length > 0 ? 0 : 1);
