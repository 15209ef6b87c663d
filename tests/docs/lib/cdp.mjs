// Headless Chromium driven over the Chrome DevTools Protocol (node's WebSocket: Node 20 needs
// --experimental-websocket). Records every request any page or worker makes.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/// The flags of issue 5, plus what keeps Chromium itself quiet, and a resolver that fails every
/// name except loopback: should anything try to leave, it fails here and is reported.
function chromiumFlags(profile, netLog) {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-domain-reliability',
    '--disable-client-side-phishing-detection',
    '--disable-breakpad',
    '--no-default-browser-check',
    '--no-pings',
    '--metrics-recording-only',
    '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
    `--log-net-log=${netLog}`,
    '--net-log-capture-mode=Default',
    '--window-size=1400,1000',
    `--user-data-dir=${profile}`,
    '--remote-debugging-address=127.0.0.1',
    '--remote-debugging-port=0',
    'about:blank',
  ];
}

export class Browser {
  static async launch(binary) {
    if (typeof WebSocket === 'undefined') {
      throw new Error('no global WebSocket: run node with --experimental-websocket (Node 20) or use Node 22+');
    }
    const profile = mkdtempSync(join(tmpdir(), 'clockko-chromium-'));
    const netLog = join(profile, 'netlog.json');
    const child = spawn(binary, chromiumFlags(profile, netLog), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const portFile = join(profile, 'DevToolsActivePort');
    const deadline = Date.now() + 30000;
    while (!existsSync(portFile) || readFileSync(portFile, 'utf8').split('\n').length < 2) {
      if (child.exitCode !== null) throw new Error(`chromium exited: ${stderr}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`chromium did not open its DevTools port: ${stderr}`);
      }
      await sleep(100);
    }
    const [port, path] = readFileSync(portFile, 'utf8').split('\n');
    const browser = new Browser(child, exited, profile, netLog);
    await browser.connect(`ws://127.0.0.1:${port.trim()}${path.trim()}`);
    return browser;
  }

  constructor(child, exited, profile, netLog) {
    this.child = child;
    this.exited = exited;
    this.profile = profile;
    this.netLog = netLog;
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = [];
    this.requests = []; // {url, sessionId, requestId, blockedReason, errorText}
    this.console = []; // {level, text}
    this.exceptions = [];
  }

  connect(url) {
    return new Promise((resolve, reject) => {
      this.socket = new WebSocket(url);
      this.socket.onopen = () => resolve();
      this.socket.onerror = (event) => reject(new Error(`DevTools socket: ${event.message || 'error'}`));
      this.socket.onmessage = (event) => this.dispatch(JSON.parse(event.data));
    });
  }

  dispatch(message) {
    if (message.id !== undefined) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!waiter) return;
      if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter.resolve(message.result);
      return;
    }
    this.record(message);
    for (const listener of this.listeners) listener(message);
  }

  record({ method, params, sessionId }) {
    if (method === 'Network.requestWillBeSent') {
      this.requests.push({ url: params.request.url, sessionId, requestId: params.requestId });
    } else if (method === 'Network.loadingFailed') {
      const entry = this.requests.find((r) => r.requestId === params.requestId && r.sessionId === sessionId);
      if (entry) {
        entry.blockedReason = params.blockedReason;
        entry.errorText = params.errorText;
      }
    } else if (method === 'Network.responseReceived') {
      const entry = this.requests.find((r) => r.requestId === params.requestId && r.sessionId === sessionId);
      if (entry) {
        entry.status = params.response.status;
        entry.headers = params.response.headers;
      }
    } else if (method === 'Runtime.consoleAPICalled') {
      this.console.push({ level: params.type, text: params.args.map((a) => a.value ?? a.description ?? '').join(' ') });
    } else if (method === 'Log.entryAdded') {
      this.console.push({ level: params.entry.level, text: params.entry.text, source: params.entry.source, url: params.entry.url });
    } else if (method === 'Runtime.exceptionThrown') {
      const details = params.exceptionDetails;
      this.exceptions.push(details.exception ? details.exception.description : details.text);
    } else if (method === 'Target.attachedToTarget') {
      // Workers (ReDoc's search) get the same recording; they wait until it is on.
      const child = params.sessionId;
      Promise.all([this.send('Network.enable', {}, child), this.send('Log.enable', {}, child).catch(() => {})])
        .catch(() => {})
        .finally(() => this.send('Runtime.runIfWaitingForDebugger', {}, child).catch(() => {}));
    }
  }

  send(method, params = {}, sessionId = undefined) {
    const id = this.nextId;
    this.nextId += 1;
    const message = { id, method, params, ...(sessionId ? { sessionId } : {}) };
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.socket.send(JSON.stringify(message));
    });
  }

  /// A new tab with recording on; resolves to its session id.
  async newPage() {
    const { targetId } = await this.send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await this.send('Target.attachToTarget', { targetId, flatten: true });
    for (const domain of ['Network', 'Page', 'Runtime', 'Log']) {
      await this.send(`${domain}.enable`, {}, sessionId);
    }
    await this.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true }, sessionId);
    return sessionId;
  }

  async navigate(sessionId, url) {
    const loaded = new Promise((resolve) => {
      const listener = (message) => {
        if (message.sessionId === sessionId && message.method === 'Page.loadEventFired') {
          this.listeners = this.listeners.filter((l) => l !== listener);
          resolve();
        }
      };
      this.listeners.push(listener);
    });
    const result = await this.send('Page.navigate', { url }, sessionId);
    if (result.errorText) throw new Error(`navigate ${url}: ${result.errorText}`);
    await Promise.race([loaded, sleep(30000)]);
  }

  /// Evaluates `expression` in the page (awaiting a promise) and returns its JSON value.
  async evaluate(sessionId, expression) {
    const result = await this.send(
      'Runtime.evaluate',
      { expression, awaitPromise: true, returnByValue: true },
      sessionId,
    );
    if (result.exceptionDetails) {
      throw new Error(`in page: ${result.exceptionDetails.exception?.description || result.exceptionDetails.text}`);
    }
    return result.result.value;
  }

  /// Polls `expression` until it returns a truthy value, or throws after `timeoutMs`.
  async waitFor(sessionId, expression, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate(sessionId, expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression.slice(0, 120)}`);
      await sleep(200);
    }
  }

  /// Waits until no request has started for `quietMs` (at most 15 s): late loads are recorded.
  async settle(quietMs) {
    const deadline = Date.now() + 15000;
    let count = -1;
    while (count !== this.requests.length && Date.now() < deadline) {
      count = this.requests.length;
      await sleep(quietMs);
    }
  }

  /// Closes Chromium (which completes the net log) and returns the net log's text.
  async close() {
    try {
      await Promise.race([this.send('Browser.close'), sleep(5000)]);
    } catch {
      // the socket may close before the answer
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
    const text = existsSync(this.netLog) ? readFileSync(this.netLog, 'utf8') : '';
    rmSync(this.profile, { recursive: true, force: true });
    return text;
  }
}
