// The tracker snippet API: the workspace's write key and the script tag at this server's tracker path,
// for any role that may read the workspace (a viewer's key included), never without a credential.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientFor, startTestServer, type TestServer } from '../../test-helpers/server.js';
import { snippetHtml } from './snippet.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => s.close());

test('the snippet names the workspace write key and the tracker path; a viewer may read it', async () => {
  const res = await clientFor(s).api('/api/tracker/snippet');
  assert.equal(res.status, 200);
  const body = (await res.json()) as { writeKey: string; src: string; html: string };
  assert.equal(body.writeKey, s.workspace.writeKey);
  assert.equal(body.src, `${s.base}/cl.js`);
  assert.equal(body.html, snippetHtml(body.src, s.workspace.writeKey));
  assert.equal(
    body.html,
    `<script defer src="${s.base}/cl.js" data-key="${s.workspace.writeKey}"></script>`,
  );
  // the tag's script is served there
  assert.equal((await fetch(body.src)).status, 200);

  const made = await clientFor(s).api('/api/keys', {
    method: 'POST',
    body: JSON.stringify({ name: 'v', role: 'viewer' }),
  });
  const { secretKey } = (await made.json()) as { secretKey: string };
  const asViewer = await fetch(`${s.base}/api/tracker/snippet`, {
    headers: { authorization: `Bearer ${secretKey}` },
  });
  assert.equal(asViewer.status, 200);
  assert.equal((await fetch(`${s.base}/api/tracker/snippet`)).status, 401);
});
