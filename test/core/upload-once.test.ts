import { describe, expect, it } from 'vitest';
import { InlineUploadError, linkAfterFailedUpload } from '../../functions/core/notify/inline-upload.js';
import { LINK_ONLY_REASON, type ClipSource } from '../../functions/core/notify/notifier.js';
import { uploadedOnce } from '../../functions/core/storage/upload-once.js';

/** A clip whose opens are counted; each open is a one-chunk stream. */
function countedClip() {
  const clip = {
    opens: 0,
    source: {
      filename: 'a-fox.mp4',
      contentType: 'video/mp4',
      bytes: 3,
      open: () => {
        clip.opens++;
        return Promise.resolve(new Blob([new Uint8Array([1, 2, 3])]).stream());
      },
    } satisfies ClipSource,
  };
  return clip;
}

describe('a clip uploaded by one attempt of its delivery at most', () => {
  it('claims once, on the first open, and lets the attempt that holds the claim open it again', async () => {
    const clip = countedClip();
    let claims = 0;
    const once = uploadedOnce(clip.source, () => Promise.resolve(++claims === 1));
    expect(claims).toBe(0); // nothing is claimed until the upload begins
    await once.open();
    await once.open(); // the same attempt sends it again (a 429 waited out)
    expect({ claims, opens: clip.opens }).toEqual({ claims: 1, opens: 2 });
    expect({ filename: once.filename, bytes: once.bytes }).toEqual({ filename: 'a-fox.mp4', bytes: 3 });
  });

  it('refuses an attempt whose claim was taken, without reading the clip, and says why in the delivery', async () => {
    const clip = countedClip();
    const retried = uploadedOnce(clip.source, () => Promise.resolve(false));
    const refusal = await retried.open().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InlineUploadError);
    expect(clip.opens).toBe(0);
    expect(linkAfterFailedUpload(refusal)).toMatchObject({
      inline: 'link',
      reason: LINK_ONLY_REASON.claimedBefore,
    });
  });

  it('does not upload when the claim cannot be made (the ledger is down): at most once stays true', async () => {
    const clip = countedClip();
    const unknown = uploadedOnce(clip.source, () => Promise.reject(new Error('ledger unreachable')));
    await expect(unknown.open()).rejects.toThrow('ledger unreachable');
    expect(clip.opens).toBe(0);
  });
});
