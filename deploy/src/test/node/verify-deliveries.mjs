// Verifies webhook requests captured by Herald's end-to-end test with the public libraries receivers use:
// standardwebhooks (webhook-signature) and @octokit/webhooks-methods (X-Herald-Signature, GitHub style).
// Usage: node verify-deliveries.mjs captured.json
// captured.json: [{"secret": "whsec_...", "body": "...", "headers": {"webhook-id": ..., ...}}, ...]
// Each real request must verify; a tampered body, a wrong secret and a stale timestamp must be rejected.
// Exits 0 only if every expectation holds.
import { readFileSync } from "node:fs";
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

for (const request of captured) {
  const { secret, body, headers } = request;
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
