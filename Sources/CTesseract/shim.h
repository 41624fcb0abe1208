#ifndef C_TESSERACT_SHIM_H
#define C_TESSERACT_SHIM_H
// Tesseract's C API (OCR) and Leptonica's image reader, which decodes PNG, JPEG, GIF and WebP from memory.
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>

// Leptonica reports decoding problems on stderr unless told otherwise; the caller reports them itself.
static inline void CTesseract_silence_leptonica(void) {
    setMsgSeverity(L_SEVERITY_NONE);
}

// pixDestroy takes the address of the pointer it clears.
static inline void CTesseract_pix_destroy(PIX *pix) {
    PIX *copy = pix;
    pixDestroy(&copy);
}
#endif
