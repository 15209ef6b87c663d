// A plain HTTP/1.1 client (node:http): full control over methods, headers and oversized bodies,
// and the response headers exactly as sent.
import http from 'node:http';

/// Sends one request. `json` is serialised with Content-Type application/json; `form` as
/// application/x-www-form-urlencoded; `body` is sent as it is. Resolves to
/// {status, headers (lower-case names), text, json (parsed or undefined)}.
export function request(baseUrl, { method = 'GET', path = '/', headers = {}, json, form, body }) {
  let payload = body;
  const sent = { ...headers };
  if (json !== undefined) {
    payload = JSON.stringify(json);
    sent['Content-Type'] ??= 'application/json';
  } else if (form !== undefined) {
    payload = new URLSearchParams(form).toString();
    sent['Content-Type'] ??= 'application/x-www-form-urlencoded';
  }
  if (payload !== undefined) sent['Content-Length'] = Buffer.byteLength(payload);
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, headers: sent, agent: false, timeout: 20000 },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in 20 s`)));
    req.on('error', (error) => {
      // The server may answer (413) and close before it has read all of a large body.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') {
        reject(Object.assign(new Error(`${method} ${path}: ${error.code}`), { code: error.code }));
      } else {
        reject(error);
      }
    });
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
