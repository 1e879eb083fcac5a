import 'express-serve-static-core';

declare global {
  namespace Express {
    /** What passport keeps on req.user: the signed-in musician. */
    interface User {
      id: number;
      nickname: string;
      email: string;
      /** The email address is proven (its link was followed); only then may they post. */
      verified: boolean;
    }
    interface Request {
      /** Track folders this request started writing to S3; removed if the request fails. */
      uploadTrackIds?: string[];
      /** Reads this request may share with other viewers' (src/web/shared-reads.ts). */
      shared: import('../web/shared-reads.js').SharedRead;
    }
  }
}
