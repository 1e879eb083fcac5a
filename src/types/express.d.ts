import 'express-serve-static-core';

declare global {
  namespace Express {
    /** What passport keeps on req.user: the signed-in musician. */
    interface User {
      id: number;
      nickname: string;
      email: string;
    }
    interface Request {
      /** Track folders this request started writing to S3; removed if the request fails. */
      uploadTrackIds?: string[];
    }
  }
}
