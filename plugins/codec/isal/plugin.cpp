// The exported entry point of codec_isal.so. The codec takes no configuration keys.
#include <memory>

#include "cairn/sdk/codec_plugin.h"
#include "isal_codec.h"

CAIRN_CODEC_PLUGIN(cairn::codec::IsalCodec, "isal", "1.0.0", nullptr, 0)
