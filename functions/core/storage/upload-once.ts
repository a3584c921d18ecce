import { InlineUploadError } from '../notify/inline-upload.js';
import { LINK_ONLY_REASON, type ClipSource } from '../notify/notifier.js';

/**
 * The clip, to be uploaded into chat by one attempt of the run's delivery at most. The first
 * `open()` claims the upload (`claim`: a conditional write, true for the first caller); later opens
 * in the same attempt reuse that answer, so the attempt may still send it again itself. An attempt
 * whose claim is refused gets an InlineUploadError: an earlier attempt, lost with its environment,
 * may have uploaded it, and a second upload would show the clip twice. The link message, posted in
 * place, stands in for it.
 */
export function uploadedOnce(source: ClipSource, claim: () => Promise<boolean>): ClipSource {
  let claimed: Promise<boolean> | undefined;
  return {
    filename: source.filename,
    contentType: source.contentType,
    bytes: source.bytes,
    async open(signal) {
      if (!(await (claimed ??= claim())))
        throw new InlineUploadError(
          LINK_ONLY_REASON.claimedBefore,
          'An earlier attempt of this delivery claimed the upload of the clip (it may be in the channel already); it is not uploaded twice.',
        );
      return source.open(signal);
    },
  };
}
