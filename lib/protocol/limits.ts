/** Protocol limits (PROTOCOL.md), in one place so server, client and tests agree. */
export const limits = {
  /** Largest client frame in bytes; larger closes the socket with 1009. */
  maxFrameBytes: 64 * 1024,
  /** Message text length after trimming. */
  maxTextChars: 4000,
  maxNonceChars: 64,
  maxRefChars: 64,
  maxGroupIdsPerFrame: 100,
  maxGroupNameChars: 100,
  /** §6: a group's description. */
  maxDescriptionChars: 500,
  historyDefaultLimit: 50,
  historyMaxLimit: 100,
  /** §4: distinct emojis one message may carry. */
  maxReactionsPerMessage: 20,
  /** §4: the longest emoji, in UTF-8 bytes. */
  maxEmojiBytes: 64,
  /** Nonce idempotency window. */
  nonceTtlMs: 10 * 60 * 1000,
  /** A typing state that is not renewed expires after this long. */
  typingTtlMs: 10_000,
  /** Time a socket without a cookie has to send `identify`. */
  identifyTimeoutMs: 10_000,
  /** §5: attachments one message may carry. */
  maxAttachmentsPerMessage: 10,
  /** §5: file names are cut to this many characters. */
  maxFileNameChars: 255,
  /** §5: an upload no message uses is removed after this long. */
  orphanUploadTtlMs: 24 * 60 * 60 * 1000,
} as const;
