// The simulator console: plain DOM code over the simulator's /sim/* JSON endpoints.
"use strict";

const $ = (id) => document.getElementById(id);
let lang = localStorage.getItem("sim-lang") || (navigator.language.startsWith("zh") ? "zh" : "en");
const t = (key) => LABELS[lang][key] || key;

// Push types the push driver knows, with their fields: [name, default, kind].
const TYPES = {
  text: [["content", "hello"]],
  image: [["media_id", "MEDIA_ID_1"], ["pic_url", "http://127.0.0.1/pic.png"]],
  miniprogram_page: [["title", "A card"], ["appid", "wx00000000000000a1"], ["page_path", "pages/index/index"]],
  enter_session: [["session_from", "console"]],
  subscribe_popup: [["template_id", "TEMPLATE_1"], ["status", "accept", ["accept", "reject"]]],
  subscribe_change: [["template_ids", "TEMPLATE_1,TEMPLATE_2"]],
  subscribe_sent: [["template_id", "TEMPLATE_1"], ["msg_id", "1", "number"], ["error_code", "0", "number"], ["error_status", "success"]],
  media_check: [["trace_id", "trace-1"], ["suggest", "pass", ["pass", "review", "risky"]], ["label", "100", "number"]],
  follow: [["event_key", ""]],
  unfollow: [],
  click: [["key", "MENU_KEY"]],
  view: [["url", "https://example.com/"]],
  event: [["event", "custom_event"], ["event_key", ""]],
};
const SAVED = ["url", "token", "aes-key", "format", "mode", "from", "push-type"];

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

// Every call goes through here: a failure shows in the error banner and rejects.
async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    showError(`${path}: ${e.message} (is the simulator still running?)`);
    throw e;
  }
  const text = await response.text();
  let data;
  try { data = JSON.parse(text); } catch { data = { error: text }; }
  if (!response.ok) {
    const message = `${path}: HTTP ${response.status}: ${data.error || text}`;
    showError(message);
    throw new Error(message);
  }
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}

function table(node, headers, rows) {
  node.replaceChildren(el("tr", {}, ...headers.map((h) => el("th", {}, t(h)))));
  if (rows.length === 0) node.append(el("tr", {}, el("td", { colspan: headers.length }, t("none"))));
  for (const row of rows) node.append(el("tr", {}, ...row.map((c) => el("td", {}, String(c ?? "")))));
}

const time = (secs) => new Date(secs * 1000).toLocaleString();

function applyLabels() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("lang").textContent = t("langButton");
}

function renderFields() {
  const fields = $("fields");
  fields.replaceChildren();
  for (const [name, value, kind] of TYPES[$("push-type").value]) {
    const input = Array.isArray(kind)
      ? el("select", { id: `f-${name}` }, ...kind.map((o) => el("option", {}, o)))
      : el("input", { id: `f-${name}`, type: kind === "number" ? "number" : "text" });
    input.value = value;
    fields.append(el("label", {}, el("span", {}, name), input));
  }
}

function pushSpec() {
  const type = $("push-type").value;
  const spec = { type };
  for (const [name, , kind] of TYPES[type]) {
    const value = $(`f-${name}`).value;
    if (kind === "number") spec[name] = Number(value);
    else if (value !== "" || !name.endsWith("event_key")) spec[name] = value;
  }
  if (type === "subscribe_popup") {
    return { type, items: [{ template_id: spec.template_id, status: spec.status }] };
  }
  if (type === "subscribe_change") {
    return { type, template_ids: spec.template_ids.split(",").map((s) => s.trim()).filter(Boolean) };
  }
  return spec;
}

function target() {
  return {
    url: $("url").value.trim(), token: $("token").value, aes_key: $("aes-key").value.trim() || null,
    appid: $("appid").value, format: $("format").value, mode: $("mode").value,
  };
}

function replyText(reply) {
  if (!reply) return t("noAnswer");
  const label = { success: "replySuccess", plain: "replyPlain", decrypted: "replyDecrypted", invalid: "replyInvalid" }[reply.kind];
  return reply.text ? `${t(label)}\n${reply.text}` : t(label);
}

function showReport(report) {
  lastReport = report;
  const r = report.request;
  $("req-url").textContent = `${r.method} ${r.url}\nContent-Type: ${r.content_type}` + (r.msg_id ? `\nMsgId ${r.msg_id}` : "");
  table($("req-query"), ["query", "value"], Object.entries(r.query));
  $("req-body").textContent = r.body;
  $("req-plain").textContent = r.encrypted ? r.plaintext : t("plainBody");
  $("attempts").replaceChildren(...report.attempts.map((a) => el("li", { class: a.status >= 200 && a.status < 300 ? "ok" : "bad" },
    `${a.status ? `HTTP ${a.status}` : a.error} · ${a.latency_ms.toFixed(1)} ms` + (a.body ? ` · ${a.body.slice(0, 200)}` : ""))));
  $("reply").textContent = replyText(report.reply);
  $("result").hidden = false;
}

async function send(event) {
  event.preventDefault();
  for (const id of SAVED) localStorage.setItem(`sim-${id}`, $(id).value);
  const button = $("send");
  button.disabled = true;
  button.textContent = t("sending");
  try {
    const report = await api("/sim/push", { target: target(), from: $("from").value.trim(), push: pushSpec() });
    showError(report.delivered ? "" : `${t("notDelivered")}: ${report.attempts.map((a) => a.error || `HTTP ${a.status}`).join(", ")}`);
    showReport(report);
    await refreshChat();
  } catch { /* shown in the banner */ } finally {
    button.disabled = false;
    button.textContent = t("send");
  }
}

let lastChat = "";
// What the last send and burst showed, to render again in the other language.
let lastReport = null;
let lastBurst = null;
async function refreshChat() {
  const query = new URLSearchParams({ appid: $("appid").value, openid: $("from").value.trim() });
  const chat = await api(`/sim/chat?${query}`);
  const key = JSON.stringify(chat.entries);
  if (key === lastChat) return;
  lastChat = key;
  const box = $("chat");
  box.replaceChildren(...chat.entries.map((e) => el("div",
    { class: `bubble ${e.side}${e.side === "user" && !e.delivered ? " failed" : ""}` },
    e.text, el("small", {}, `${e.kind} · ${time(e.at)}${e.msg_id ? ` · MsgId ${e.msg_id}` : ""}`))));
  if (chat.entries.length === 0) box.append(el("p", { class: "muted" }, t("empty")));
  box.scrollTop = box.scrollHeight;
}

async function refreshPlatform() {
  const [tokens, calls, quotas, clock] = await Promise.all(
    ["/sim/tokens", "/sim/calls", "/sim/quotas", "/sim/clock"].map((p) => api(p)));
  table($("tokens"), ["appid", "kind", "issuedAt", "expiresAt"],
    tokens.issued.slice(-10).reverse().map((k) => [k.appid, k.kind, time(k.issued_at), time(k.expires_at)]));
  table($("calls"), ["path", "n"], Object.entries(calls));
  const used = new Map(quotas.used.map((u) => [`${u.appid} ${u.path}`, u.used]));
  const apps = [...$("appid").options].map((o) => o.value);
  table($("quotas"), ["appid", "path", "used", "limit"],
    apps.flatMap((a) => quotas.limits.map((l) => [a, l.path, used.get(`${a} ${l.path}`) || 0, l.limit])));
  $("clock-now").textContent = time(clock.now);
  $("clock-offset").textContent = `${t("offset")} +${clock.offset_secs} s `;
}

async function loadFaults() {
  const f = await api("/sim/faults");
  $("f-busy").value = f.busy; $("f-5xx").value = f.http_5xx; $("f-drop").value = f.drop;
  $("f-lat-share").value = f.latency_share; $("f-lat-ms").value = f.latency_ms;
}

async function setFaults(event) {
  event.preventDefault();
  const n = (id) => Number($(id).value) || 0;
  await api("/sim/faults", {
    busy: n("f-busy"), http_5xx: n("f-5xx"), drop: n("f-drop"), latency_share: n("f-lat-share"), latency_ms: n("f-lat-ms"),
  }).then(loadFaults).catch(() => {});
}

function showBurst(r) {
  lastBurst = r;
  const box = $("burst-result");
  const l = r.latency_ms;
  const most = Math.max(1, ...r.histogram.map((b) => b.count));
  box.replaceChildren(
    el("p", {}, `${r.count} × ${r.copies} · ${t("elapsed")} ${r.elapsed_ms.toFixed(0)} ms · ` +
      Object.entries(r.outcomes).map(([k, v]) => `${k}: ${v}`).join(", ")),
    el("p", { id: "handled" },
      el("span", { class: "ok" }, `${t("handledOnce")}: ${r.handled.once}`), " · ",
      el("span", { class: r.handled.more ? "bad" : "" }, `${t("handledMore")}: ${r.handled.more}`), " · ",
      el("span", { class: r.handled.none ? "bad" : "" }, `${t("handledNone")}: ${r.handled.none}`)),
    el("p", {}, `${t("latency")}: min ${l.min.toFixed(1)} · p50 ${l.p50.toFixed(1)} · p90 ${l.p90.toFixed(1)} · p99 ${l.p99.toFixed(1)} · max ${l.max.toFixed(1)}`),
    el("table", {}, ...r.histogram.map((b) => el("tr", {},
      el("td", {}, b.le === null ? "> 1000" : `≤ ${b.le}`), el("td", {}, String(b.count)),
      el("td", {}, el("span", { class: "bar", style: `width:${(100 * b.count) / most}%` })))))
  );
}

async function burst(event) {
  event.preventDefault();
  const button = $("burst");
  button.disabled = true;
  button.textContent = t("running");
  try {
    showBurst(await api("/sim/burst", {
      target: target(), count: Number($("b-count").value), concurrency: Number($("b-conc").value), copies: Number($("b-copies").value),
    }));
    showError("");
  } catch { /* shown in the banner */ } finally {
    button.disabled = false;
    button.textContent = t("run");
  }
}

const refreshAll = () => Promise.all([refreshChat(), refreshPlatform()]);

async function poll() {
  try {
    await refreshAll();
  } catch { /* shown in the banner; try again next time */ }
  setTimeout(poll, 1000);
}

async function start() {
  $("push-type").replaceChildren(...Object.keys(TYPES).map((k) => el("option", { value: k }, k)));
  for (const id of SAVED) {
    const v = localStorage.getItem(`sim-${id}`);
    if (v !== null) $(id).value = v;
  }
  renderFields();
  applyLabels();
  $("push-type").addEventListener("change", renderFields);
  $("push-form").addEventListener("submit", send);
  $("faults-form").addEventListener("submit", setFaults);
  $("burst-form").addEventListener("submit", burst);
  $("from").addEventListener("change", () => refreshChat().catch(() => {}));
  $("lang").addEventListener("click", () => {
    lang = lang === "en" ? "zh" : "en";
    localStorage.setItem("sim-lang", lang);
    applyLabels();
    if (lastReport) showReport(lastReport);
    if (lastBurst) showBurst(lastBurst);
    lastChat = "";
    refreshAll().catch(() => {});
  });
  for (const b of document.querySelectorAll("[data-advance]")) {
    b.addEventListener("click", () => api("/sim/clock/advance", { seconds: Number(b.dataset.advance) }).then(refreshPlatform).catch(() => {}));
  }
  $("reset").addEventListener("click", () => api("/sim/reset", {}).then(() => { lastChat = ""; return refreshAll(); }).catch(() => {}));
  try {
    const apps = await api("/sim/apps");
    $("appid").replaceChildren(...apps.map((a) => el("option", { value: a.appid }, `${a.appid} (${a.original_id})`)));
    await loadFaults();
  } catch { /* shown in the banner */ }
  poll();
}

start();
