/**
 * A self-contained HTML page (no scripts, no CDN: the machines may be offline) that
 * renders the operations and schemas of the OpenAPI document.
 */

type Json = Record<string, unknown>;

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** The little markdown our descriptions use: `code`, **bold**, paragraphs. */
function prose(text: unknown): string {
  if (typeof text !== 'string' || text === '') return '';
  return text
    .split(/\n\n+/)
    .map((para) => `<p>${escapeHtml(para).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')}</p>`)
    .join('');
}

function schemaLink(schema: unknown): string {
  const ref = (schema as Json | undefined)?.$ref;
  if (typeof ref === 'string') {
    const id = ref.split('/').pop() as string;
    return `<a href="#schema-${escapeHtml(id)}"><code>${escapeHtml(id)}</code></a>`;
  }
  if (schema === undefined) return '';
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function paramType(schema: Json | undefined): string {
  if (!schema) return '';
  const parts: string[] = [];
  if (schema.type) parts.push(String(schema.type));
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.join(', ')}`);
  if (schema.pattern) parts.push(`pattern ${String(schema.pattern)}`);
  if (schema.minimum !== undefined) parts.push(`≥ ${String(schema.minimum)}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${String(schema.maximum)}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return escapeHtml(parts.join('; '));
}

function operationHtml(method: string, path: string, op: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? [];
  const body = op.requestBody as Json | undefined;
  const bodySchema = (body?.content as Json | undefined)?.['application/json'] as Json | undefined;
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {});
  const id = String(op.operationId);
  return `
<section class="op" id="op-${escapeHtml(id)}">
  <h3><span class="method ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code> <span class="summary">${escapeHtml(String(op.summary ?? ''))}</span></h3>
  ${prose(op.description)}
  ${
    params.length
      ? `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th>description</th></tr>${params
          .map(
            (p) =>
              `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td><td>${p.required ? 'yes' : 'no'}</td><td>${paramType(p.schema as Json)}</td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
          )
          .join('')}</table>`
      : ''
  }
  ${body ? `<h4>Request body${body.required ? '' : ' (optional)'}</h4>${schemaLink(bodySchema?.schema)}` : ''}
  <h4>Responses</h4>
  <table><tr><th>status</th><th>description</th><th>body</th></tr>${responses
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([status, r]) => {
      const content = r.content as Record<string, Json> | undefined;
      const schema = content ? Object.values(content)[0]?.schema : undefined;
      return `<tr><td class="status s${escapeHtml(status[0])}">${escapeHtml(status)}</td><td>${prose(r.description)}</td><td>${schema ? schemaLink(schema) : ''}</td></tr>`;
    })
    .join('')}</table>
</section>`;
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as Json;
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const tags = ((doc.tags as Json[]) ?? []).map((t) => String(t.name));
  const schemas = ((doc.components as Json).schemas as Record<string, Json>) ?? {};
  const ops = Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const byTag = tags.map((tag) => ({ tag, ops: ops.filter((o) => (o.op.tags as string[]).includes(tag)) }));
  const title = escapeHtml(String(info.title));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f7f8fa;line-height:1.45}
header{background:#1d2330;color:#fff;padding:1.2rem 2rem}header h1{margin:0;font-size:1.4rem}header p{margin:.3rem 0 0;color:#c8ccd6}
main{display:flex;gap:2rem;padding:1.5rem 2rem;align-items:flex-start}
nav{position:sticky;top:1rem;min-width:16rem;font-size:.9rem}nav ul{list-style:none;padding-left:.5rem;margin:.2rem 0 1rem}nav a{color:#2a4d9b;text-decoration:none}
article{flex:1;min-width:0}
.op{background:#fff;border:1px solid #dfe3ea;border-radius:6px;padding:.6rem 1.2rem;margin:0 0 1.2rem}
.op h3{font-size:1.05rem;margin:.5rem 0}.summary{font-weight:normal;color:#4a5468;margin-left:.5rem}
.method{display:inline-block;min-width:3.6rem;text-align:center;border-radius:4px;padding:.1rem .4rem;color:#fff;font-size:.8rem}
.get{background:#2f7d4f}.post{background:#2a4d9b}.put{background:#9b6a2a}.delete{background:#9b2a2a}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin-bottom:.6rem}th,td{border-bottom:1px solid #e6e9ef;text-align:left;padding:.3rem .5rem;vertical-align:top}td p{margin:0}
.status{font-weight:bold}.s2{color:#2f7d4f}.s4{color:#9b6a2a}.s5{color:#9b2a2a}
pre{background:#f1f3f7;padding:.6rem;border-radius:4px;overflow:auto;font-size:.8rem;max-height:28rem}
code{background:#f1f3f7;padding:0 .2rem;border-radius:3px}
h2{border-bottom:2px solid #dfe3ea;padding-bottom:.2rem}
</style></head>
<body>
<header><h1>${title} <small>${escapeHtml(String(info.version))}</small></h1><p>OpenAPI ${escapeHtml(String(doc.openapi))} — machine-readable at <a style="color:#9fc1ff" href="/openapi.json">/openapi.json</a></p></header>
<main>
<nav>
${byTag
  .map(
    ({ tag, ops: list }) =>
      `<strong>${escapeHtml(tag)}</strong><ul>${list
        .map((o) => `<li><a href="#op-${escapeHtml(String(o.op.operationId))}">${escapeHtml(o.method.toUpperCase())} ${escapeHtml(o.path)}</a></li>`)
        .join('')}</ul>`,
  )
  .join('\n')}
<strong><a href="#schemas">Schemas</a></strong>
</nav>
<article>
${prose(info.description)}
${byTag.map(({ tag, ops: list }) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${list.map((o) => operationHtml(o.method, o.path, o.op)).join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas)
  .map(([id, schema]) => `<section class="op" id="schema-${escapeHtml(id)}"><h3><code>${escapeHtml(id)}</code></h3>${prose(schema.description)}<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></section>`)
  .join('\n')}
</article>
</main>
</body></html>`;
}
