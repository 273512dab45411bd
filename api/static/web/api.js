// The one way the pages ask buckstop anything: its public GraphQL API at /graphql, over HTTP, like any client.
// A token pasted in the page is kept in this tab's session storage only, and sent as a Bearer header.

import { href } from "./dom.js";

const TOKEN_KEY = "buckstop.token";

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) ?? "";
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Whether the page may ask for private fields (e-mail, phone, location, source): only with a token. */
export function privateView() {
  return token() !== "";
}

export class AskError extends Error {
  constructor(message, errors = []) {
    super(message);
    this.errors = errors;
  }
}

/** The `data` of a GraphQL answer, or an AskError with the API's own messages. */
export async function ask(query, variables = {}) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  if (token()) headers.authorization = `Bearer ${token()}`;
  let response;
  try {
    response = await fetch(href("/graphql"), { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch (error) {
    throw new AskError(`buckstop did not answer (${error.message})`);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new AskError(`buckstop answered ${response.status} ${response.statusText}`);
  }
  if (body.errors?.length) {
    const message = body.errors.map((e) => e.message).join("; ");
    const locked = response.status === 401 || response.status === 403;
    throw new AskError(locked && !token() ? `${message} (paste a token above)` : message, body.errors);
  }
  return body.data;
}

/** The fields of a person every page shows; the private ones only with a token. */
export function personFields() {
  return `id name title status public${privateView() ? " email phone location source" : ""}`;
}
