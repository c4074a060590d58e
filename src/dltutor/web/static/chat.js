// The chat page: streams answers over SSE (fetch + ReadableStream), shows queue position,
// thinking folded, Stop / Regenerate / Copy / Export. Final answers are rendered on the server
// (Markdown, MathML, highlighted code), so no JavaScript library is needed. A teaching
// conversation (started from a lesson: /?teach=TOPIC) streams the same events; as one of its
// turns may write several messages, the conversation is reloaded from the server at the end.
"use strict";
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const T = JSON.parse(document.getElementById("ui-text").textContent);
const $ = (id) => document.getElementById(id);
let conversationId = null;
let controller = null;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function addUser(text) {
  const m = el("div", "msg user");
  m.appendChild(el("div", "body", text));
  $("messages").appendChild(m);
  return m;
}

function addAssistant() {
  const m = el("div", "msg assistant");
  const think = el("details", "thinking");
  think.hidden = true;
  think.appendChild(el("summary", "", T.thinking));
  think.appendChild(el("pre", ""));
  m.appendChild(think);
  m.appendChild(el("div", "body streaming"));
  m.appendChild(el("div", "meta"));
  $("messages").appendChild(m);
  return m;
}

function tools(m, id, raw) {
  const bar = el("div", "tools");
  const copy = el("button", "link", T.copy);
  copy.type = "button";
  copy.onclick = () => navigator.clipboard && navigator.clipboard.writeText(raw);
  const regen = el("button", "link regenerate", T.regenerate);
  regen.type = "button";
  regen.onclick = () => { m.remove(); stream(`/api/messages/${id}/regenerate`, null, null); };
  bar.append(copy, regen);
  m.appendChild(bar);
}

async function finish(m, id) {
  if (!id) return;
  const r = await fetch(`/api/messages/${id}`);
  if (!r.ok) return;
  const msg = await r.json();
  const body = m.querySelector(".body");
  body.classList.remove("streaming");
  body.innerHTML = msg.html;  // rendered server-side from escaped Markdown
  tools(m, id, msg.content);
  m.dataset.messageId = id;  // rendered: verify.js may now run its code blocks
}

function parseEvents(buffer, onEvent) {
  let idx;
  while ((idx = buffer.indexOf("\n\n")) >= 0) {
    const block = buffer.slice(0, idx);
    buffer = buffer.slice(idx + 2);
    let name = "message", data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) name = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    if (data) onEvent(name, JSON.parse(data));
  }
  return buffer;
}

async function stream(url, payload, question) {
  if (question !== null) addUser(question);
  const m = addAssistant();
  const body = m.querySelector(".body"), meta = m.querySelector(".meta");
  const think = m.querySelector(".thinking"), thinkPre = think.querySelector("pre");
  let assistantId = null, answer = "", reload = false;
  controller = new AbortController();
  $("send").disabled = true; $("stop").hidden = false;
  try {
    const resp = await fetch(url, {
      method: "POST", signal: controller.signal,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: payload ? JSON.stringify(payload) : null,
    });
    if (!resp.ok) { body.textContent = `HTTP ${resp.status}: ${await resp.text()}`; m.classList.add("failed"); return; }
    const reader = resp.body.getReader(), decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + decoder.decode(value, {stream: true}), (name, d) => {
        if (name === "turn") { conversationId = d.conversation_id; assistantId = d.assistant_message_id; showExport(); }
        else if (name === "queue") { $("queue").hidden = false; $("queue").textContent = T.queue.replace("{n}", d.position); }
        else if (name === "thinking") { think.hidden = false; thinkPre.textContent += d.text; }
        else if (name === "answer") { $("queue").hidden = true; answer += d.text; body.textContent = answer; }
        else if (name === "done") {
          meta.textContent = [d.output_tokens ? `${d.output_tokens} tokens` : "", d.ttft_s ? `TTFT ${d.ttft_s.toFixed(2)}s` : "",
                              (d.citations || []).length ? `${T.sources}: ${d.citations.join(", ")}` : ""].filter(Boolean).join(" · ");
          if (d.status === "truncated") meta.appendChild(el("div", "warn", d.finish_reason === "repetition" ? T.looped : T.truncated));
          reload = !!d.reload;
        } else if (name === "error") { m.classList.add("failed"); meta.appendChild(el("div", "error", d.message)); reload = !!d.reload; }
      });
    }
  } catch (e) {
    if (e.name === "AbortError") meta.appendChild(el("div", "warn stopped", T.stopped));
    else meta.appendChild(el("div", "error", String(e)));
  } finally {
    $("send").disabled = false; $("stop").hidden = true; $("queue").hidden = true; controller = null;
    if (reload && conversationId) await openConversation(conversationId, m.classList.contains("failed") ? m : null);
    else await finish(m, assistantId);
    loadConversations();
  }
}

function showExport() {
  if (!conversationId) return;
  $("export").hidden = false;
  $("export").href = `/api/conversations/${conversationId}/export`;
}

async function loadConversations() {
  const r = await fetch("/api/conversations");
  if (!r.ok) return;
  const list = $("conversations");
  list.replaceChildren();
  for (const c of await r.json()) {
    const li = el("li"), a = el("a", "", c.title || `#${c.id}`);
    if (c.teaching) li.appendChild(el("span", "badge", T.teaching));
    a.href = "#"; a.onclick = (ev) => { ev.preventDefault(); openConversation(c.id); };
    li.appendChild(a); list.appendChild(li);
  }
}

async function openConversation(id, keep) {
  const r = await fetch(`/api/conversations/${id}/messages`);
  if (!r.ok) return;
  conversationId = id; showExport();
  $("messages").replaceChildren();
  for (const msg of await r.json()) {
    if (msg.meta && msg.meta.superseded) continue;
    if (msg.role === "user") addUser(msg.content);
    else {
      const m = addAssistant();
      if (msg.thinking) { m.querySelector(".thinking").hidden = false; m.querySelector(".thinking pre").textContent = msg.thinking; }
      m.querySelector(".body").classList.remove("streaming");
      m.querySelector(".body").innerHTML = msg.html;
      if (msg.status === "truncated") m.querySelector(".meta").appendChild(el("div", "warn", msg.finish_reason === "repetition" ? T.looped : T.truncated));
      if (msg.status === "stopped") m.querySelector(".meta").appendChild(el("div", "warn stopped", T.stopped));
      if (msg.status === "interrupted") m.querySelector(".meta").appendChild(el("div", "warn interrupted", T.interrupted));
      if (msg.error) m.querySelector(".meta").appendChild(el("div", "error", msg.error));
      tools(m, msg.id, msg.content);
      if (msg.status !== "streaming") m.dataset.messageId = msg.id;
    }
  }
  if (keep) $("messages").appendChild(keep);  // an error the server did not store as a message
  $("messages").lastElementChild && $("messages").lastElementChild.scrollIntoView({block: "nearest"});
}

$("ask").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const text = $("question").value.trim();
  if (!text || controller) return;
  $("question").value = "";
  stream("/api/chat", {text, conversation_id: conversationId}, text);
});
$("question").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); $("ask").requestSubmit(); }
});
$("stop").onclick = () => controller && controller.abort();
$("new-chat").onclick = () => { conversationId = null; $("messages").replaceChildren(); $("export").hidden = true; };
loadConversations();
{
  const params = new URLSearchParams(location.search);
  const topic = params.get("teach"), conv = params.get("c");
  if (topic || conv) history.replaceState(null, "", "/");  // a reload must not start it again
  if (topic) stream("/api/teach", {topic, lang: document.body.dataset.lang}, null);
  else if (conv) openConversation(Number(conv));
}
