/** The studio's version, written into every model it saves (kept equal to package.json's version by a test). */
export const STUDIO_VERSION = '0.1.0';
