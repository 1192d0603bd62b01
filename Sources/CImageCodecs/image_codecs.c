// The four image decoders, with their libraries (libpng, libturbojpeg, giflib, libwebp) opened with
// dlopen the first time each is needed rather than linked: most runs show no picture, and every run
// would otherwise load all four at start. A library that cannot be opened makes its format
// undecodable (NULL), never a failure to start.
#include "image_codecs.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include <turbojpeg.h>
#include <gif_lib.h>
#include <webp/decode.h>

// One table of function pointers a library, typed by the library's own declarations.
#define FUNCTION(name) __typeof__(name) *name;
#define BIND(name) && (*(void **)&self->name = dlsym(library, #name)) != NULL

#define LIBRARY(table, soname, FUNCTIONS)                                       \
    static struct { FUNCTIONS(FUNCTION) } table;                                \
    static int table##_ready;                                                   \
    static pthread_once_t table##_once = PTHREAD_ONCE_INIT;                     \
    static void table##_load(void) {                                            \
        __typeof__(table) *self = &table;                                       \
        void *library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);                  \
        table##_ready = library != NULL FUNCTIONS(BIND);                        \
    }                                                                           \
    static int table##_open(void) {                                             \
        pthread_once(&table##_once, table##_load);                              \
        return table##_ready;                                                   \
    }

#define PNG_FUNCTIONS(X) X(png_image_begin_read_from_memory) X(png_image_finish_read) X(png_image_free)
#define JPEG_FUNCTIONS(X) X(tjInitDecompress) X(tjDecompressHeader3) X(tjGetScalingFactors) X(tjDecompress2) \
    X(tjGetErrorCode) X(tjDestroy)
#define GIF_FUNCTIONS(X) X(DGifOpen) X(DGifSlurp) X(DGifSavedExtensionToGCB) X(DGifCloseFile)
#define WEBP_FUNCTIONS(X) X(WebPGetInfo) X(WebPDecodeRGBA) X(WebPFree)

LIBRARY(libpng, "libpng16.so.16", PNG_FUNCTIONS)
LIBRARY(libjpeg, "libturbojpeg.so.0", JPEG_FUNCTIONS)
LIBRARY(libgif, "libgif.so.7", GIF_FUNCTIONS)
LIBRARY(libwebp, "libwebp.so.7", WEBP_FUNCTIONS)

static int parley_pixels_fit(long long width, long long height, long long max_pixels) {
    return width > 0 && height > 0 && width * height <= max_pixels;
}

unsigned char *parley_decode_png(const unsigned char *bytes, size_t count, long long max_pixels,
                                 int *width, int *height) {
    if (!libpng_open()) return NULL;
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    if (!libpng.png_image_begin_read_from_memory(&image, bytes, count)) return NULL;
    if (!parley_pixels_fit(image.width, image.height, max_pixels)) { libpng.png_image_free(&image); return NULL; }
    image.format = PNG_FORMAT_RGBA;
    unsigned char *pixels = malloc(PNG_IMAGE_SIZE(image));
    if (!pixels) { libpng.png_image_free(&image); return NULL; }
    if (!libpng.png_image_finish_read(&image, NULL, pixels, 0, NULL)) { free(pixels); return NULL; }
    *width = (int)image.width;
    *height = (int)image.height;
    return pixels;
}

unsigned char *parley_decode_jpeg(const unsigned char *bytes, size_t count, long long max_pixels,
                                  int min_width, int min_height, int *width, int *height) {
    if (!libjpeg_open()) return NULL;
    tjhandle decoder = libjpeg.tjInitDecompress();
    if (!decoder) return NULL;
    int w = 0, h = 0, subsampling = 0, colorspace = 0;
    unsigned char *pixels = NULL;
    if (libjpeg.tjDecompressHeader3(decoder, bytes, (unsigned long)count, &w, &h, &subsampling, &colorspace) == 0) {
        int factors = 0;
        tjscalingfactor *scaling = libjpeg.tjGetScalingFactors(&factors);
        int best_w = w, best_h = h;
        for (int i = 0; scaling && i < factors; i++) {
            int sw = TJSCALED(w, scaling[i]), sh = TJSCALED(h, scaling[i]);
            if (sw >= min_width && sh >= min_height && (long long)sw * sh < (long long)best_w * best_h) {
                best_w = sw;
                best_h = sh;
            }
        }
        if (parley_pixels_fit(best_w, best_h, max_pixels) && (pixels = malloc((size_t)best_w * (size_t)best_h * 4))) {
            // A warning (a few bytes missing at the end, say) still leaves a picture; an error does not.
            if (libjpeg.tjDecompress2(decoder, bytes, (unsigned long)count, pixels, best_w, 0, best_h, TJPF_RGBA, 0) != 0
                && libjpeg.tjGetErrorCode(decoder) != TJERR_WARNING) {
                free(pixels);
                pixels = NULL;
            }
        }
        w = best_w;
        h = best_h;
    }
    libjpeg.tjDestroy(decoder);
    if (pixels) { *width = w; *height = h; }
    return pixels;
}

typedef struct { const unsigned char *bytes; size_t count; size_t offset; } parley_gif_source;

static int parley_gif_read(GifFileType *gif, GifByteType *buffer, int length) {
    parley_gif_source *source = (parley_gif_source *)gif->UserData;
    size_t left = source->count - source->offset;
    size_t n = (size_t)length < left ? (size_t)length : left;
    memcpy(buffer, source->bytes + source->offset, n);
    source->offset += n;
    return (int)n;
}

unsigned char *parley_decode_gif(const unsigned char *bytes, size_t count, long long max_pixels,
                                 int *width, int *height) {
    if (!libgif_open()) return NULL;
    parley_gif_source source = { bytes, count, 0 };
    int error = 0;
    GifFileType *gif = libgif.DGifOpen(&source, parley_gif_read, &error);
    if (!gif) return NULL;
    unsigned char *pixels = NULL;
    if (parley_pixels_fit(gif->SWidth, gif->SHeight, max_pixels) && libgif.DGifSlurp(gif) == GIF_OK && gif->ImageCount > 0) {
        SavedImage *frame = &gif->SavedImages[0];
        ColorMapObject *map = frame->ImageDesc.ColorMap ? frame->ImageDesc.ColorMap : gif->SColorMap;
        GraphicsControlBlock control = { 0, false, 0, NO_TRANSPARENT_COLOR };
        libgif.DGifSavedExtensionToGCB(gif, 0, &control);
        int w = gif->SWidth, h = gif->SHeight;
        if (map && (pixels = calloc((size_t)w * (size_t)h, 4))) {
            for (int y = 0; y < frame->ImageDesc.Height; y++) {
                int row = frame->ImageDesc.Top + y;
                if (row < 0 || row >= h) continue;
                for (int x = 0; x < frame->ImageDesc.Width; x++) {
                    int column = frame->ImageDesc.Left + x;
                    if (column < 0 || column >= w) continue;
                    int index = frame->RasterBits[(size_t)y * (size_t)frame->ImageDesc.Width + (size_t)x];
                    if (index == control.TransparentColor || index >= map->ColorCount) continue;
                    unsigned char *pixel = pixels + ((size_t)row * (size_t)w + (size_t)column) * 4;
                    pixel[0] = map->Colors[index].Red;
                    pixel[1] = map->Colors[index].Green;
                    pixel[2] = map->Colors[index].Blue;
                    pixel[3] = 255;
                }
            }
            *width = w;
            *height = h;
        }
    }
    libgif.DGifCloseFile(gif, &error);
    return pixels;
}

unsigned char *parley_decode_webp(const unsigned char *bytes, size_t count, long long max_pixels,
                                  int *width, int *height) {
    if (!libwebp_open()) return NULL;
    int w = 0, h = 0;
    if (!libwebp.WebPGetInfo(bytes, count, &w, &h) || !parley_pixels_fit(w, h, max_pixels)) return NULL;
    uint8_t *decoded = libwebp.WebPDecodeRGBA(bytes, count, &w, &h);
    if (!decoded) return NULL;
    unsigned char *pixels = malloc((size_t)w * (size_t)h * 4);
    if (pixels) {
        memcpy(pixels, decoded, (size_t)w * (size_t)h * 4);
        *width = w;
        *height = h;
    }
    libwebp.WebPFree(decoded);
    return pixels;
}

