// The exported entry point of codec_jerasure.so. The codec takes no configuration keys.
#include <memory>

#include "cairn/sdk/codec_plugin.h"
#include "jerasure_codec.h"

CAIRN_CODEC_PLUGIN(cairn::codec::JerasureCodec, "jerasure", "1.0.0", nullptr, 0)
