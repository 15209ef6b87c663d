// Reads the messages MailDev caught (GET /api/email) and the 6-digit codes in them.
import { request } from './http.mjs';

export async function messagesTo(mailUrl, address) {
  const response = await request(mailUrl, { path: '/api/email' });
  if (response.status !== 200 || !Array.isArray(response.json)) {
    throw new Error(`MailDev ${mailUrl}/api/email answered ${response.status}`);
  }
  const wanted = address.toLowerCase();
  return response.json.filter((message) =>
    (message.to || []).some((to) => String(to.address || '').toLowerCase() === wanted),
  );
}

/// The ids of the messages already there, to tell a new message from the older ones.
export async function messageIds(mailUrl, address) {
  return new Set((await messagesTo(mailUrl, address)).map((message) => message.id));
}

export function codeIn(message) {
  const match = /(?:^|\s)(\d{6})(?:\s|$)/m.exec(message.text || '');
  return match ? match[1] : undefined;
}

/// Waits for a message to `address` that is not in `seen` and whose subject matches `subject`,
/// and resolves to {code, message}.
export async function waitForCode(mailUrl, address, { seen = new Set(), subject = /./, timeoutMs = 20000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await messagesTo(mailUrl, address))
      .filter((message) => !seen.has(message.id) && subject.test(message.subject || ''))
      .sort((a, b) => Date.parse(b.time || b.date || 0) - Date.parse(a.time || a.date || 0));
    const withCode = fresh.find((message) => codeIn(message));
    if (withCode) return { code: codeIn(withCode), message: withCode };
    if (Date.now() > deadline) {
      throw new Error(`no new message matching ${subject} to ${address} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
