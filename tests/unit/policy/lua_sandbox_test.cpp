// LuaSandbox: what a script may and may not do, its limits, and how errors read.
#include "policy/lua_sandbox.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "policy/lua_host_lib.h"

namespace cairn::policy {
namespace {

constexpr const char* kScript = "test/policy.lua";

std::unique_ptr<LuaSandbox> MustLoad(const std::string& source, SandboxOptions options = {}) {
  Result<std::unique_ptr<LuaSandbox>> sandbox = LuaSandbox::LoadSource(kScript, source, options);
  EXPECT_TRUE(sandbox.ok()) << sandbox.status().ToString();
  return sandbox.ok() ? std::move(sandbox.value()) : nullptr;
}

std::string CallError(LuaSandbox& sandbox, const std::string& name,
                      const std::vector<LuaValue>& args = {}) {
  Result<LuaValue> result = sandbox.Call(name, args);
  EXPECT_FALSE(result.ok()) << name << " should have failed";
  return result.ok() ? "" : result.status().message();
}

// Each forbidden facility is simply absent: the call fails, naming the script and line.
class ForbiddenTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ForbiddenTest, CallFailsWithScriptAndLine) {
  std::unique_ptr<LuaSandbox> sandbox =
      MustLoad(std::string("function try()\n  return ") + GetParam() + "\nend\n");
  ASSERT_NE(sandbox, nullptr);
  std::string message = CallError(*sandbox, "try");
  EXPECT_EQ(message.rfind(std::string(kScript) + ":2: attempt to ", 0), 0) << message;
  EXPECT_NE(message.find("nil value"), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Sandbox, ForbiddenTest,
    ::testing::Values("io.open('/etc/passwd')", "os.execute('true')", "os.getenv('HOME')",
                      "load('return 1')", "loadfile('/etc/passwd')", "dofile('/etc/passwd')",
                      "require('os')", "string.dump(try)", "('').dump(try)", "debug.getinfo(1)",
                      "package.loadlib('libc.so.6', 'system')", "collectgarbage('count')",
                      "coroutine.create(try)", "print('x')"));

TEST(LuaSandboxTest, SafeLibrariesWork) {
  auto sandbox = MustLoad(R"(
function f()
  local parts = {string.format("%d", 7), tostring(math.floor(2.5)), utf8.char(72)}
  table.sort(parts)
  local ok, err = pcall(error, "caught", 0)
  local ok2, err2 = xpcall(function() error("x", 0) end, function(m) return "handled " .. m end)
  return table.concat(parts, ",") .. ";" .. tostring(ok) .. err .. ";" .. err2
end
)");
  ASSERT_NE(sandbox, nullptr);
  Result<LuaValue> result = sandbox->Call("f", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->string(), "2,7,H;falsecaught;handled x");
}

TEST(LuaSandboxTest, MemoryBombStopsAndStateStaysUsable) {
  SandboxOptions options;
  options.limits.memory_bytes = 4u << 20;
  auto sandbox = MustLoad(R"(
function bomb()
  local t = {}
  for i = 1, 1e9 do
    t[i] = string.rep("x", 1000) .. i
  end
end
function big_string() return string.rep("x", 1 << 30) end
function ok() return 42 end
)",
                          options);
  ASSERT_NE(sandbox, nullptr);
  std::string message = CallError(*sandbox, "bomb");
  EXPECT_NE(message.find("not enough memory"), std::string::npos) << message;
  EXPECT_NE(message.find(kScript), std::string::npos) << message;
  message = CallError(*sandbox, "big_string");
  EXPECT_NE(message.find("not enough memory"), std::string::npos) << message;
  EXPECT_LE(sandbox->memory_used(), size_t{1} << 20);  // the garbage went back
  Result<LuaValue> result = sandbox->Call("ok", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->integer(), 42);
}

TEST(LuaSandboxTest, InfiniteLoopStopsAndStateStaysUsable) {
  SandboxOptions options;
  options.limits.instructions_per_call = 100000;
  auto sandbox =
      MustLoad("function spin()\n  while true do end\nend\nfunction ok() return 1 end\n", options);
  ASSERT_NE(sandbox, nullptr);
  std::string message = CallError(*sandbox, "spin");
  EXPECT_EQ(message.rfind(std::string(kScript) + ":2: instruction limit exceeded", 0), 0)
      << message;
  Result<LuaValue> result = sandbox->Call("ok", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->integer(), 1);
  // The budget is per call, not per state.
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(sandbox->Call("spin", {}).ok());
    EXPECT_TRUE(sandbox->Call("ok", {}).ok());
  }
}

TEST(LuaSandboxTest, SlowCallStopsAtTheTimeLimit) {
  SandboxOptions options;
  options.limits.instructions_per_call = int64_t{1} << 40;  // only the clock can stop it
  options.limits.milliseconds_per_call = 50;
  auto sandbox = MustLoad(
      "function spin()\n  while true do pcall(function() end) end\nend\n"
      "function ok() return 1 end\n",
      options);
  ASSERT_NE(sandbox, nullptr);
  const auto start = std::chrono::steady_clock::now();
  std::string message = CallError(*sandbox, "spin");
  EXPECT_NE(message.find("time limit exceeded (50 ms per call)"), std::string::npos) << message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  Result<LuaValue> result = sandbox->Call("ok", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
}

TEST(LuaSandboxTest, PcallCannotSwallowTheInstructionLimit) {
  SandboxOptions options;
  options.limits.instructions_per_call = 100000;
  auto sandbox = MustLoad(R"(
function sneaky()
  while true do
    pcall(function() while true do end end)
    xpcall(function() while true do end end, function(m) while true do end end)
  end
end
)",
                          options);
  ASSERT_NE(sandbox, nullptr);
  std::string message = CallError(*sandbox, "sneaky");
  EXPECT_NE(message.find("instruction limit exceeded"), std::string::npos) << message;
}

// Found by fuzzing (corpus/lua_policy/timeout-string-copy-loop): every step copies 1 MB in one
// instruction, so only the allocation budget per call bounds the loop's time.
TEST(LuaSandboxTest, LoopOfLargeCopiesStopsAtTheAllocationLimit) {
  auto sandbox = MustLoad(R"(
function copy()
  local x
  for i = 1, 1e6 do x = string.rep("x", 1e6) .. i end
  return #x
end
function sneaky()
  for i = 1, 1e6 do pcall(function() local x = string.rep("x", 1e6) .. i end) end
end
function ok() return #string.rep("y", 1e6) end
)");
  ASSERT_NE(sandbox, nullptr);
  for (const char* name : {"copy", "sneaky"}) {
    std::string message = CallError(*sandbox, name);
    EXPECT_EQ(message.rfind(std::string(kScript) + ": allocation limit exceeded", 0), 0)
        << message;
  }
  Result<LuaValue> result = sandbox->Call("ok", {});  // the budget is per call
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->integer(), 1000000);
}

// Found by fuzzing (corpus/lua_policy/timeout-pattern-backtracking): matching backtracks inside
// one instruction; a pattern whose worst case is too costly for its subject is refused.
TEST(LuaSandboxTest, BacktrackingPatternsOnLongSubjectsAreRefused) {
  auto sandbox = MustLoad(R"(
function backtrack(f)
  local s = string.rep("a", 420)
  return f(s, "a*a*a*a*b")
end
function find() return backtrack(string.find) end
function gsub() return backtrack(string.gsub) end
function method() return (string.rep("a", 420)):match("a*a*a*a*b") end
function fine()
  local id = "drive-a0-3"
  local s = string.rep("a", 420)
  local key = string.rep("k/", 512)
  return tostring(id:match("^drive%-(%w+)%-(%d+)$")) .. tostring(s:find("a*a*a*a*b", 1, true))
      .. tostring(select(2, s:gsub("a", "b"))) .. tostring(#key:match("^(.-)/(.*)$"))
end
)");
  ASSERT_NE(sandbox, nullptr);
  for (const char* name : {"find", "gsub", "method"}) {
    std::string message = CallError(*sandbox, name);
    EXPECT_EQ(message.rfind(std::string(kScript) + ":", 0), 0) << message;
    EXPECT_NE(message.find("is too costly on a subject of 420 bytes"), std::string::npos)
        << message;
  }
  Result<LuaValue> result = sandbox->Call("fine", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->string(), "a0nil4201");
}

// Found by fuzzing (tests/fuzz/corpus/lua_policy/gc-finalizer-loop): Lua runs __gc finalizers
// with hooks off, so an endless finalizer hung the call (or the sandbox's lua_close).
TEST(LuaSandboxTest, FinalizersAreRefused) {
  SandboxOptions options;
  options.limits.instructions_per_call = 100000;
  auto sandbox = MustLoad(R"(
function finalizer()
  setmetatable({}, {__gc = function() while true do end end})
  return 1
end
function plain()
  local mt = {__index = function(t, k) return k end}
  local t = setmetatable({}, mt)
  mt.__gc = function() while true do end end  -- too late: marks nothing for finalization
  return t.x
end
)",
                          options);
  ASSERT_NE(sandbox, nullptr);
  std::string message = CallError(*sandbox, "finalizer");
  EXPECT_NE(message.find("__gc metamethods are not allowed"), std::string::npos) << message;
  Result<LuaValue> result = sandbox->Call("plain", {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->string(), "x");
}

TEST(LuaSandboxTest, TopLevelLoopFailsTheLoad) {
  SandboxOptions options;
  options.limits.instructions_per_call = 100000;
  auto sandbox = LuaSandbox::LoadSource(kScript, "while true do end", options);
  ASSERT_FALSE(sandbox.ok());
  EXPECT_NE(sandbox.status().message().find("instruction limit exceeded"), std::string::npos);
}

TEST(LuaSandboxTest, SyntaxErrorReportsFileAndLine) {
  auto sandbox = LuaSandbox::LoadSource(kScript, "function f()\n  return 1 +\nend\n", {});
  ASSERT_FALSE(sandbox.ok());
  EXPECT_EQ(sandbox.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(sandbox.status().message().rfind(std::string(kScript) + ":3:", 0), 0)
      << sandbox.status().message();
}

TEST(LuaSandboxTest, RuntimeErrorReportsFileAndLine) {
  auto sandbox = MustLoad(R"(function f()
  local t = nil
  return t.x
end
function g() error({}) end
function h() error("bare", 0) end
)");
  ASSERT_NE(sandbox, nullptr);
  EXPECT_EQ(CallError(*sandbox, "f"),
            std::string(kScript) + ":3: attempt to index a nil value (local 't')");
  EXPECT_EQ(CallError(*sandbox, "g"), std::string(kScript) + ": (error object is a table value)");
  EXPECT_EQ(CallError(*sandbox, "h"), std::string(kScript) + ": bare");
}

TEST(LuaSandboxTest, BinaryChunksAreRefused) {
  auto sandbox = LuaSandbox::LoadSource(kScript, std::string("\x1bLua\x54\x00", 6), {});
  ASSERT_FALSE(sandbox.ok());
  EXPECT_NE(sandbox.status().message().find("binary"), std::string::npos)
      << sandbox.status().message();
}

TEST(LuaSandboxTest, MissingFunction) {
  auto sandbox = MustLoad("x = 1");
  ASSERT_NE(sandbox, nullptr);
  Status st = sandbox->RequireFunction("place");
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_NE(st.message().find("'place'"), std::string::npos);
  EXPECT_NE(CallError(*sandbox, "place").find("not defined"), std::string::npos);
  EXPECT_NE(CallError(*sandbox, "x").find("not defined"), std::string::npos);
}

TEST(LuaSandboxTest, MissingFile) {
  auto sandbox = LuaSandbox::LoadFile("/nonexistent/policy.lua", {});
  ASSERT_FALSE(sandbox.ok());
  EXPECT_TRUE(sandbox.status().IsNotFound());
}

// Found with the fuzz corpus (tests/fuzz/corpus/lua_policy/returns-shared-subtables-22): a
// result that holds one table or string many times costs Lua little, but its copy was
// exponential in C++ memory, past the sandbox's limit (4 GB for this one).
TEST(LuaSandboxTest, ResultsThatShareValuesAreBoundedWhenCopied) {
  auto sandbox = MustLoad(R"(
function shared_tables()
  local t = {1}
  for i = 1, 22 do t = {t, t} end
  return t
end
function repeated(size)
  local s, t = string.rep("x", size), {}
  for i = 1, 64 do t[i] = s end
  return t
end
function shared_string() return repeated(1 << 20) end
function fine() return repeated(1 << 10) end
)");
  ASSERT_NE(sandbox, nullptr);
  for (const char* name : {"shared_tables", "shared_string"}) {
    std::string message = CallError(*sandbox, name);
    EXPECT_NE(message.find("bytes once copied"), std::string::npos) << message;
  }
  Result<LuaValue> fine = sandbox->Call("fine", {});
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ(fine->array().size(), 64u);
}

TEST(LuaSandboxTest, ValuesRoundTrip) {
  auto sandbox = MustLoad(R"(
function echo(...) return {...} end
function kinds(t)
  return math.type(t.i) .. "," .. math.type(t.n) .. "," .. type(t.b) .. "," .. #t.s .. "," .. #t
end
)");
  ASSERT_NE(sandbox, nullptr);
  LuaValue table = LuaValue::Table();
  table.Set("i", LuaValue::Integer(-7))
      .Set("n", LuaValue::Number(2.5))
      .Set("b", LuaValue::Boolean(true))
      .Set("s", LuaValue::String(std::string("a\0b", 3)))
      .Append(LuaValue::String("first"))
      .Append(LuaValue::Table().Append(LuaValue::Integer(1)));
  Result<LuaValue> kinds = sandbox->Call("kinds", {table});
  ASSERT_TRUE(kinds.ok()) << kinds.status().ToString();
  EXPECT_EQ(kinds->string(), "integer,float,boolean,3,2");

  Result<LuaValue> echo = sandbox->Call("echo", {table, LuaValue::Integer(3)});
  ASSERT_TRUE(echo.ok()) << echo.status().ToString();
  ASSERT_EQ(echo->array().size(), 2u);
  const LuaValue& back = echo->array()[0];
  EXPECT_EQ(back.Find("i")->integer(), -7);
  EXPECT_EQ(back.Find("n")->number(), 2.5);
  EXPECT_TRUE(back.Find("b")->boolean());
  EXPECT_EQ(back.Find("s")->string(), std::string("a\0b", 3));
  ASSERT_EQ(back.array().size(), 2u);
  EXPECT_EQ(back.array()[0].string(), "first");
  EXPECT_EQ(back.array()[1].array()[0].integer(), 1);
  EXPECT_EQ(echo->array()[1].integer(), 3);
}

TEST(LuaSandboxTest, UnsupportedResultValues) {
  auto sandbox = MustLoad(R"(
function fn() return tostring end
function holes() return {1, nil, 3} end
function bool_key() return {[true] = 1} end
function cycle() local t = {} t.self = t return t end
)");
  ASSERT_NE(sandbox, nullptr);
  EXPECT_EQ(CallError(*sandbox, "fn"), std::string(kScript) + ": fn() returned a function value");
  EXPECT_NE(CallError(*sandbox, "holes").find("not the sequence"), std::string::npos);
  EXPECT_NE(CallError(*sandbox, "bool_key").find("boolean key"), std::string::npos);
  EXPECT_NE(CallError(*sandbox, "cycle").find("nested deeper"), std::string::npos);
}

TEST(LuaSandboxTest, HashIsStableAnd53Bits) {
  auto sandbox = MustLoad("function h(s) return cairn.hash(s) end");
  ASSERT_NE(sandbox, nullptr);
  for (const char* input : {"", "a", "bucket/key", "drive-01"}) {
    Result<LuaValue> result = sandbox->Call("h", {LuaValue::String(input)});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(static_cast<uint64_t>(result->integer()), PolicyHash(input));
    EXPECT_LE(static_cast<uint64_t>(result->integer()), kPolicyHashMask);
  }
  // Placements recorded in manifests depend on these exact values: never change them.
  // (Values checked against an independent implementation of FNV-1a 64 + fmix64.)
  EXPECT_EQ(PolicyHash(""), 4538099935291686ULL);
  EXPECT_EQ(PolicyHash("cairn"), 5927742813534212ULL);
  EXPECT_EQ(PolicyHash("drive-01"), 3395289280702358ULL);
  EXPECT_NE(PolicyHash("drive-01"), PolicyHash("drive-02"));
  EXPECT_FALSE(sandbox->Call("h", {LuaValue::Table()}).ok());
}

TEST(LuaSandboxTest, LogGoesToTheHostWithTheScriptName) {
  std::vector<std::string> lines;
  SandboxOptions options;
  options.log = [&lines](const std::string& line) { lines.push_back(line); };
  auto sandbox = MustLoad("function f() cairn.log('hello ' .. 1) end", options);
  ASSERT_NE(sandbox, nullptr);
  ASSERT_TRUE(sandbox->Call("f", {}).ok());
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], std::string(kScript) + ": hello 1");
}

TEST(LuaSandboxTest, RandomIsDeterministicPerCall) {
  const char* source = "function r() return math.random(1, 1000000) end";
  auto a = MustLoad(source);
  auto b = MustLoad(source);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  int64_t first = a->Call("r", {})->integer();
  EXPECT_EQ(a->Call("r", {})->integer(), first);
  EXPECT_EQ(b->Call("r", {})->integer(), first);
}

}  // namespace
}  // namespace cairn::policy
