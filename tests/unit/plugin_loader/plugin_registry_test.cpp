// PluginRegistry: every way a plugin file can be refused, each refusal naming the file, and
// Find's answers for names that are missing or live in another category.
#include "plugin/plugin_registry.h"

#include <dlfcn.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_plugins.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;
using testing::PluginCaseDir;
using testing::PluginFile;
using testing::TempDir;

const std::string kOurAbi = std::to_string(CAIRN_ABI_MAJOR) + "." + std::to_string(CAIRN_ABI_MINOR);

void Copy(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

TEST(PluginRegistryTest, LoadsAWellFormedPluginAndFindsIt) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.LoadDirectory(PluginCaseDir("good")).ok());
  ASSERT_EQ(registry.plugins().size(), 1u);
  auto found = registry.Find("codec", "good");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const LoadedPlugin& p = *found.value();
  EXPECT_EQ(p.path, PluginFile("good", "good"));
  EXPECT_STREQ(p.info->name, "good");
  EXPECT_STREQ(p.info->category, "codec");
  EXPECT_STREQ(p.info->version, "1.0.0");
  EXPECT_EQ(p.info->abi_major, static_cast<uint32_t>(CAIRN_ABI_MAJOR));
  EXPECT_EQ(p.info->config_key_count, 0u);
}

TEST(PluginRegistryTest, RefusesAMissingFile) {
  PluginRegistry registry;
  std::string path = PluginCaseDir("good") + "/no-such-plugin.so";
  Status st = registry.LoadFile(path);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr(path));
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, RefusesAMissingDirectory) {
  PluginRegistry registry;
  std::string dir = PluginCaseDir("no-such-case");
  Status st = registry.LoadDirectory(dir);
  EXPECT_TRUE(st.IsNotFound()) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr(dir));
}

TEST(PluginRegistryTest, RefusesAFileThatIsNotASharedLibrary) {
  PluginRegistry registry;
  std::string path = PluginFile("bogus", "bogus");
  Status st = registry.LoadDirectory(PluginCaseDir("bogus"));
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("cannot load plugin " + path));
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, RefusesALibraryWithoutTheEntrySymbol) {
  PluginRegistry registry;
  std::string path = PluginFile("no_entry", "no_entry");
  Status st = registry.LoadFile(path);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("refusing plugin " + path));
  EXPECT_THAT(st.message(), HasSubstr("does not export cairn_plugin_entry"));
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, RefusesAnotherAbiMajorNamingBothVersions) {
  PluginRegistry registry;
  std::string path = PluginFile("abi99", "abi99");
  Status st = registry.LoadDirectory(PluginCaseDir("abi99"));
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("refusing plugin " + path));
  EXPECT_THAT(st.message(), HasSubstr("plugin ABI 99.7"));
  EXPECT_THAT(st.message(), HasSubstr("speaks ABI " + kOurAbi));
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, RefusesIncompletePluginInfo) {
  PluginRegistry registry;
  std::string path = PluginFile("incomplete", "incomplete");
  Status st = registry.LoadFile(path);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("refusing plugin " + path));
  EXPECT_THAT(st.message(), HasSubstr("plugin info is incomplete (struct_size 12)"));
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, RefusesAnEntryPointReturningNull) {
  PluginRegistry registry;
  std::string path = PluginFile("null_entry", "null_entry");
  Status st = registry.LoadFile(path);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("refusing plugin " + path));
  EXPECT_THAT(st.message(), HasSubstr("returned null"));
}

TEST(PluginRegistryTest, RefusesAnUnknownCategory) {
  PluginRegistry registry;
  std::string path = PluginFile("unknown_category", "frobnicator");
  Status st = registry.LoadDirectory(PluginCaseDir("unknown_category"));
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("refusing plugin " + path));
  EXPECT_THAT(st.message(), HasSubstr("unknown category 'frobnicator'"));
  EXPECT_THAT(st.message(), HasSubstr("codec, meta, auth or transport"));
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, RefusesASecondPluginOfTheSameCategoryAndNameNamingBothFiles) {
  PluginRegistry registry;
  std::string first = PluginFile("duplicate", "twin_a");
  std::string second = PluginFile("duplicate", "twin_b");
  Status st = registry.LoadDirectory(PluginCaseDir("duplicate"));
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  // Files load in name order, so twin_b is the one refused.
  EXPECT_THAT(st.message(), HasSubstr("refusing plugin " + second + ": " + first +
                                      " already provides the codec plugin 'twin'"));
  ASSERT_EQ(registry.plugins().size(), 1u);
  auto found = registry.Find("codec", "twin");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found.value()->path, first);
  EXPECT_STREQ(found.value()->info->version, "1.0.0-a");
}

TEST(PluginRegistryTest, RefusesTheSameFileLoadedTwice) {
  PluginRegistry registry;
  std::string path = PluginFile("good", "good");
  ASSERT_TRUE(registry.LoadFile(path).ok());
  Status st = registry.LoadFile(path);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
  EXPECT_THAT(st.message(), HasSubstr("already provides the codec plugin 'good'"));
  EXPECT_EQ(registry.plugins().size(), 1u);
}

TEST(PluginRegistryTest, LoadDirectoryTakesOnlySoFilesInNameOrder) {
  TempDir dir;
  Copy(PluginFile("keyed", "keyed"), dir.Sub("b.so"));
  Copy(PluginFile("good", "good"), dir.Sub("a.so"));
  Copy(PluginFile("bogus", "bogus"), dir.Sub("notes.txt"));
  Copy(PluginFile("bogus", "bogus"), dir.Sub("a.so.1"));
  std::filesystem::create_directory(dir.Sub("sub.so"));
  PluginRegistry registry;
  Status st = registry.LoadDirectory(dir.path());
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(registry.plugins().size(), 2u);
  EXPECT_EQ(registry.plugins()[0]->path, dir.Sub("a.so"));
  EXPECT_STREQ(registry.plugins()[0]->info->name, "good");
  EXPECT_EQ(registry.plugins()[1]->path, dir.Sub("b.so"));
  EXPECT_STREQ(registry.plugins()[1]->info->name, "keyed");
}

TEST(PluginRegistryTest, LoadDirectoryStopsAtTheFirstRefusalNamingThatFile) {
  TempDir dir;
  Copy(PluginFile("good", "good"), dir.Sub("a.so"));
  Copy(PluginFile("bogus", "bogus"), dir.Sub("b.so"));
  Copy(PluginFile("keyed", "keyed"), dir.Sub("c.so"));
  PluginRegistry registry;
  Status st = registry.LoadDirectory(dir.path());
  EXPECT_FALSE(st.ok());
  EXPECT_THAT(st.message(), HasSubstr(dir.Sub("b.so")));
  ASSERT_EQ(registry.plugins().size(), 1u);
  EXPECT_STREQ(registry.plugins()[0]->info->name, "good");
}

TEST(PluginRegistryTest, EmptyDirectoryLoadsNothing) {
  TempDir dir;
  PluginRegistry registry;
  EXPECT_TRUE(registry.LoadDirectory(dir.path()).ok());
  EXPECT_TRUE(registry.plugins().empty());
}

TEST(PluginRegistryTest, FindOfANameInAnotherCategorySaysWhichCategory) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.LoadDirectory(PluginCaseDir("good")).ok());
  auto found = registry.Find("meta", "good");
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(found.status().message(), "plugin 'good' (" + PluginFile("good", "good") +
                                          ") is a codec plugin, not a meta plugin");
}

TEST(PluginRegistryTest, FindOfAnUnknownNameListsWhatIsAvailable) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.LoadDirectory(PluginCaseDir("good")).ok());
  ASSERT_TRUE(registry.LoadDirectory(PluginCaseDir("keyed")).ok());
  auto found = registry.Find("codec", "jerasure");
  ASSERT_FALSE(found.ok());
  EXPECT_TRUE(found.status().IsNotFound());
  EXPECT_EQ(found.status().message(),
            "no codec plugin named 'jerasure' is loaded (available: good, keyed)");

  auto none = registry.Find("transport", "http");
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(none.status().IsNotFound());
  EXPECT_EQ(none.status().message(),
            "no transport plugin named 'http' is loaded (none of that category)");
}

TEST(PluginRegistryTest, FindInAnEmptyRegistryIsNotFound) {
  PluginRegistry registry;
  auto found = registry.Find("codec", "isal");
  EXPECT_TRUE(found.status().IsNotFound());
}

// The registry header and STYLE.md promise that plugin libraries are never unloaded while the
// process runs (an instance or a function pointer may outlive the bookkeeping). A private copy
// of the good plugin is used so that no other test can be what keeps it mapped.
TEST(PluginRegistryTest, LibrariesStayLoadedAfterTheRegistryIsGone) {
  TempDir dir;
  std::string path = dir.Sub("pinned_good.so");
  Copy(PluginFile("good", "good"), path);
  {
    PluginRegistry registry;
    ASSERT_TRUE(registry.LoadFile(path).ok());
    // The probe itself works: while the registry lives, the library is found mapped.
    void* live = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(live, nullptr);
    dlclose(live);
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
  EXPECT_NE(handle, nullptr) << path << " was unloaded when its PluginRegistry was destroyed";
  if (handle != nullptr) dlclose(handle);
}

}  // namespace
}  // namespace cairn
