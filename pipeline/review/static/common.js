// Shared by the pages: the session's CSRF token on every state-changing request, JSON both ways.
"use strict";
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || "";

async function api(method, url, body) {
  const options = { method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
  if (method !== "GET") {
    options.headers["X-CSRF-Token"] = csrfToken;
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch(url, options);
  if (response.status === 401) { window.location.assign("/login"); throw new Error("log in first"); }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) { const error = new Error(data.error || response.statusText); error.status = response.status; throw error; }
  return data;
}

// Text from OCR and PDFs is never parsed as HTML: every value goes in as text.
function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function shown(value) { return value === null || value === undefined ? "—" : String(value); }
