// Brings one draft on the server up to date with the device: answers first,
// then every photo the server does not hold yet. Safe to run from the page
// and the service worker at once: the server merges answers by edit time and
// recognises a photo it already has by its client id.
import { api } from './api.js';
import { byDraft, get, put, remove, update } from './store.js';

export const events = new EventTarget();

function changedKeys(draft) {
  const sent = draft.sent_at || {};
  return Object.keys(draft.edited_at || {}).filter((k) => draft.edited_at[k] !== sent[k]);
}

export function needsSync(draft, photos) {
  return (
    !draft.on_server ||
    changedKeys(draft).length > 0 ||
    (draft.meta_edited || 0) > (draft.meta_sent || 0) ||
    photos.some((p) => p.deleted || (!p.upload_id && !p.error))
  );
}

async function pushAnswers(local) {
  const keys = changedKeys(local);
  const snapshot = { ...local.edited_at };
  const body = {
    answers: Object.fromEntries(keys.map((k) => [k, local.answers[k] ?? ''])),
    edited_at: Object.fromEntries(keys.map((k) => [k, local.edited_at[k]])),
    group_id: local.group_id,
    procedure_ids: local.procedure_ids,
    step: local.step,
  };
  let server;
  if (!local.on_server) {
    server = await api('PUT', `/drafts/${local.id}`, { ...body, commune_code: local.commune_code });
  } else if (keys.length || (local.meta_edited || 0) > (local.meta_sent || 0)) {
    server = await api('PATCH', `/drafts/${local.id}`, body);
  } else {
    server = await api('GET', `/drafts/${local.id}`);
  }
  const metaSent = local.meta_edited || 0;
  return update('drafts', local.id, (d) => {
    if (!d) return undefined;
    d.on_server = true;
    d.sent_at = d.sent_at || {};
    for (const k of keys) if (d.edited_at[k] === snapshot[k]) d.sent_at[k] = snapshot[k];
    d.meta_sent = Math.max(d.meta_sent || 0, metaSent);
    // Another device's newer edits win field by field, as on the server.
    for (const [k, at] of Object.entries(server.edited_at || {})) {
      if (at > (d.edited_at[k] || 0)) {
        d.answers[k] = server.answers[k];
        d.edited_at[k] = at;
        d.sent_at[k] = at;
      }
    }
    d.server_uploads = server.uploads;
    d.dossier_code = server.dossier_code;
    d.commune_label = server.commune.label;
    return d;
  });
}

// The server's count of pages only drops when a deletion reaches it: a
// retake sent before the page it replaces was deleted would be one too many.
const deletionsFirst = (a, b) => Number(Boolean(b.deleted)) - Number(Boolean(a.deleted));

const RETRIED_REFUSALS = new Set(['too_many_pages', 'attachment_not_in_draft']);

async function pushPhotos(draft) {
  const held = new Map((draft.server_uploads || []).map((u) => [u.client_id, u]));
  for (const photo of (await byDraft(draft.id)).sort(deletionsFirst)) {
    const onServer = held.get(photo.client_id);
    if (photo.deleted) {
      if (onServer) await api('DELETE', `/drafts/${draft.id}/uploads/${onServer.id}`);
      await remove('photos', photo.client_id);
      held.delete(photo.client_id);
      continue;
    }
    if (onServer) {
      if (!photo.upload_id) await put('photos', { ...photo, upload_id: onServer.id });
      continue;
    }
    // Refused for what the photo is (unreadable, too large): the citizen must
    // retake it. "Too many pages" depends on the others, and "not in this
    // draft" on answers that may reach the server after it: tried again.
    if (photo.error && !RETRIED_REFUSALS.has(photo.error_code)) continue;
    const form = new FormData();
    form.append('attachment_id', photo.attachment_id);
    form.append('client_id', photo.client_id);
    form.append('position', String(photo.position));
    form.append('file', photo.blob, 'trang.jpg');
    try {
      const upload = await api('POST', `/drafts/${draft.id}/uploads`, form);
      held.set(photo.client_id, upload);
      await update('photos', photo.client_id, (p) => {
        if (!p) return undefined;
        const { error, error_code, ...kept } = p; // eslint-disable-line no-unused-vars
        return { ...kept, upload_id: upload.id };
      });
    } catch (e) {
      // The server busy (503) or out of room (507) says nothing about the
      // photo: the whole sync fails and tries again later, with backoff.
      if (e.offline || e.status === 429 || e.status === 401 || e.status >= 500 || e.code === 'csrf') {
        throw e;
      }
      await update('photos', photo.client_id, (p) =>
        p ? { ...p, error: e.message, error_code: e.code } : undefined);
    }
    events.dispatchEvent(new CustomEvent('photo', { detail: { draftId: draft.id } }));
  }
  return update('drafts', draft.id, (d) => (d ? { ...d, server_uploads: [...held.values()] } : undefined));
}

const running = new Map();
const queued = new Map();

// One sync per draft at a time in this context. A change made while one
// runs (a second photo taken during the first one's upload) is not in it:
// one more run follows, shared by everyone who asks in the meantime.
export function syncDraft(draftId) {
  const current = running.get(draftId);
  if (!current) return start(draftId);
  if (!queued.has(draftId)) {
    queued.set(draftId, current.catch(() => null).then(() => {
      queued.delete(draftId);
      return start(draftId);
    }));
  }
  return queued.get(draftId);
}

function start(draftId) {
  const work = (async () => {
    try {
      const local = await get('drafts', draftId);
      if (!local) return null;
      const withAnswers = await pushAnswers(local);
      const done = await pushPhotos(withAnswers);
      events.dispatchEvent(new CustomEvent('synced', { detail: { draftId, ok: true } }));
      return done;
    } catch (e) {
      if (e.code === 'already_submitted') {
        await update('drafts', draftId, (d) => (d ? { ...d, submitted: true } : undefined));
      }
      events.dispatchEvent(new CustomEvent('synced', { detail: { draftId, ok: false, error: e } }));
      throw e;
    } finally {
      running.delete(draftId);
    }
  })();
  running.set(draftId, work);
  return work;
}
