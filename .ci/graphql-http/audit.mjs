// Runs graphql-http's GraphQL-over-HTTP server audits against one URL and prints every
// result as one JSON array on stdout: [{id, name, status, reason?, response?}, ...].
// status is "ok", "warn" (a SHOULD failed), "error" (a MUST failed) or "notice" (a MAY).
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

async function describe(response) {
  // The audit may have read the body already; then only the status and the type are left.
  if (!response) return undefined;
  const described = { status: response.status, contentType: response.headers.get('content-type') };
  try {
    described.body = (await response.clone().text()).slice(0, 2000);
  } catch {
    // body already consumed
  }
  return described;
}

const results = await auditServer({ url });
const printed = [];
for (const result of results) {
  const { id, name, status, reason } = result;
  printed.push({ id, name, status, reason, response: await describe(result.response) });
}
process.stdout.write(JSON.stringify(printed, null, 1) + '\n');
