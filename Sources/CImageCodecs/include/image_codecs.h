// Decoders for the four image formats parley takes, each to 8-bit RGBA (4 bytes a pixel, rows
// without padding), from bytes in memory. Every function returns pixels from malloc (the caller
// frees them) and sets *width and *height, or returns NULL for bytes it cannot read, an image of
// more than max_pixels pixels (checked from the header, before anything large is allocated), or
// when the format's library is not installed.
#ifndef PARLEY_IMAGE_CODECS_H
#define PARLEY_IMAGE_CODECS_H
#include <stddef.h>

unsigned char *parley_decode_png(const unsigned char *bytes, size_t count, long long max_pixels, int *width, int *height);
/// JPEG can be decoded smaller (libjpeg-turbo's n/8 scales) for almost nothing: the smallest scale
/// still at least min_width × min_height is used (a thumbnail of a 12-megapixel photo decodes about
/// 190,000 pixels).
unsigned char *parley_decode_jpeg(const unsigned char *bytes, size_t count, long long max_pixels,
                                  int min_width, int min_height, int *width, int *height);
/// The first frame, on the logical screen, transparent where the frame does not paint.
unsigned char *parley_decode_gif(const unsigned char *bytes, size_t count, long long max_pixels, int *width, int *height);
unsigned char *parley_decode_webp(const unsigned char *bytes, size_t count, long long max_pixels, int *width, int *height);

#endif
