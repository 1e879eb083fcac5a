import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertContribution, insertPost } from '../../test/db-factories.js';
import { buildUser, type SignedIn } from '../../test/factories.js';
import { MIX_TRACKS_MAX } from './mix-membership.js';

let ctx: TestContext;
let author: SignedIn;
let postId = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  author = await buildUser(ctx.app);
  const { id } = await ctx.db('users').where({ nickname: author.nickname }).first('id');
  postId = (await insertPost(ctx.db, { authorId: id as number })).id;
  for (let i = 0; i < MIX_TRACKS_MAX - 2; i++) await insertContribution(ctx.db, { postId, included: true });
});
afterAll(async () => {
  await ctx?.close();
});

describe('taking a part into the mix', () => {
  it('takes parts in up to what a mix holds (the author track and 63 parts), then refuses with a reason', async () => {
    const last = await insertContribution(ctx.db, { postId });
    const oneTooMany = await insertContribution(ctx.db, { postId });
    const include = (id: number) => author.agent.post(`/contributions/${id}/include`).set('X-CSRF-Token', author.csrf).set('Accept', 'application/json');
    expect((await include(last.id)).status).toBe(200);
    const refused = await include(oneTooMany.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(`A mix holds at most ${MIX_TRACKS_MAX} tracks: take a part out of the mix first.`);
    expect((await ctx.db('contributions').where({ id: oneTooMany.id }).first('included')).included).toBe(false);
    expect(Number((await ctx.db('contributions').where({ post_id: postId, included: true }).count({ n: '*' }))[0]!.n)).toBe(MIX_TRACKS_MAX - 1);
  });
});
