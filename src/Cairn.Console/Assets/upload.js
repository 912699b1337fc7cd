// Uploads for the object browser, each file with its own progress bar. A file under 16 MiB is one PUT; a larger one is
// a multipart upload whose 8 MiB parts go three at a time; a failed part is sent again (same upload id, that part
// alone), and once its tries are spent the row offers "Retry", which resumes with the parts still missing.
import { token } from './console.js';

const PART = 8 * 1024 * 1024;
const MULTIPART_FROM = 16 * 1024 * 1024;
const PARALLEL = 3;
const TRIES = 3;

const panel = document.getElementById('upload');
const list = document.getElementById('uploads');

function send(method, url, body, onProgress, contentType) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    xhr.setRequestHeader('RequestVerificationToken', token());
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => {
      let json = null;
      try { json = JSON.parse(xhr.responseText || 'null'); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new Error(json?.error ?? `HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error('The connection failed.'));
    xhr.send(body);
  });
}

const api = (path, params) => `${panel.dataset.api}${path}?${new URLSearchParams(params)}`;

class Row {
  constructor(key, size) {
    this.li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = key;
    this.bar = document.createElement('div');
    this.bar.className = 'bar';
    this.bar.setAttribute('role', 'progressbar');
    this.bar.setAttribute('aria-label', `Upload of ${key}`);
    this.bar.setAttribute('aria-valuemin', '0');
    this.bar.setAttribute('aria-valuemax', '100');
    this.bar.setAttribute('aria-valuenow', '0');
    this.fill = document.createElement('span');
    this.bar.append(this.fill);
    this.status = document.createElement('span');
    this.status.setAttribute('aria-live', 'polite');
    this.retry = document.createElement('button');
    this.retry.type = 'button';
    this.retry.className = 'small';
    this.retry.textContent = 'Retry';
    this.retry.hidden = true;
    this.li.append(name, this.bar, this.status, this.retry);
    list.append(this.li);
    this.size = size;
  }

  progress(sent, finished = false) {
    const pct = finished ? 100 : Math.min(99, Math.floor((sent / Math.max(1, this.size)) * 100));
    this.bar.setAttribute('aria-valuenow', String(pct));
    this.fill.style.width = `${pct}%`;
    this.status.textContent = finished ? 'Done' : `${pct} %`;
    this.li.classList.toggle('done', finished);
  }

  fail(message) {
    this.li.classList.add('failed');
    this.status.textContent = message;
  }
}

async function putWhole(file, key, row) {
  await send('PUT', api('/objects', { bucket: panel.dataset.bucket, key }), file, (n) => row.progress(n), file.type || 'application/octet-stream');
  row.progress(file.size, true);
}

async function putMultipart(file, key, row) {
  const bucket = panel.dataset.bucket;
  const { uploadId } = await send('POST', api('/uploads', { bucket, key, type: file.type || 'application/octet-stream' }));
  const parts = [];
  for (let start = 0, n = 1; start < file.size; start += PART, n++) parts.push({ n, start, end: Math.min(file.size, start + PART), sent: 0, etag: null });
  const report = () => row.progress(parts.reduce((s, p) => s + (p.etag ? p.end - p.start : p.sent), 0));

  async function sendPart(part) {
    for (let attempt = 1; ; attempt++) {
      try {
        const done = await send('PUT', api('/uploads/parts', { bucket, key, uploadId, partNumber: part.n }), file.slice(part.start, part.end),
          (sent) => { part.sent = sent; report(); });
        part.etag = done.etag;
        report();
        return;
      } catch (e) {
        part.sent = 0;
        report();
        if (attempt >= TRIES) throw e;
        await new Promise((r) => setTimeout(r, 300 * attempt));
      }
    }
  }

  async function sendMissing() {
    const queue = parts.filter((p) => !p.etag);
    let failure = null;
    const worker = async () => {
      for (let part = queue.shift(); part; part = queue.shift()) {
        try { await sendPart(part); } catch (e) { failure = e; }
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    if (failure) throw failure;
    await send('POST', api('/uploads/complete', { bucket, key, uploadId }),
      JSON.stringify({ parts: parts.map((p) => ({ partNumber: p.n, etag: p.etag })) }), null, 'application/json');
    row.progress(file.size, true);
  }

  const attempt = async () => {
    try {
      await sendMissing();
    } catch (e) {
      row.fail(`${e.message} (${parts.filter((p) => !p.etag).length} part(s) left)`);
      row.retry.hidden = false;
      row.retry.onclick = () => { row.retry.hidden = true; row.li.classList.remove('failed'); attempt(); };
    }
  };
  await attempt();
}

async function upload(files) {
  const prefix = panel.dataset.prefix;
  await Promise.all([...files].map(async (file) => {
    const key = prefix + (file.webkitRelativePath || file.name);
    const row = new Row(key, file.size);
    try {
      if (file.size >= MULTIPART_FROM) await putMultipart(file, key, row);
      else await putWhole(file, key, row);
    } catch (e) {
      row.fail(e.message);
    }
  }));
}

if (panel) {
  document.getElementById('start-upload').addEventListener('click', () => {
    const files = [...document.getElementById('files').files, ...document.getElementById('folderFiles').files];
    upload(files);
  });
}
