#include "core/keys.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/ids.h"

namespace candor::core {

namespace {

struct KeySpec {
  const char* file;
  const char* env;
  Key32 WorkspaceKeys::*field;
  std::string WorkspaceKeys::*source;
};
constexpr KeySpec kSpecs[] = {
    {"master.key", "CANDOR_MASTER_KEY", &WorkspaceKeys::master, &WorkspaceKeys::master_source},
    {"index.key", "CANDOR_INDEX_KEY", &WorkspaceKeys::index, &WorkspaceKeys::index_source},
    {"signing.key", "CANDOR_SIGNING_KEY", &WorkspaceKeys::signing_seed,
     &WorkspaceKeys::signing_source},
};

std::string Trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

Result<Key32> DecodeKey(std::string_view text, std::string_view where) {
  auto bin = Base64Decode(text);
  if (!bin.ok() || bin->size() != 32) {
    return InvalidArgument(fmt::format("{}: a key is 32 bytes in base64", where));
  }
  Key32 k;
  std::memcpy(k.data(), bin->data(), 32);
  sodium_memzero(bin->data(), bin->size());
  return k;
}

}  // namespace

std::string Base64Encode(const std::uint8_t* data, std::size_t size) {
  EnsureSodium();
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  EnsureSodium();
  std::string out(text.size(), '\0');
  std::size_t len = 0;
  const char* end = nullptr;
  int variant = (text.find('=') != std::string_view::npos || text.size() % 4 == 0)
                    ? sodium_base64_VARIANT_ORIGINAL
                    : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, variant) != 0 ||
      end != text.data() + text.size()) {
    return InvalidArgument("not valid base64");
  }
  out.resize(len);
  return out;
}

bool KeysInEnvironment() {
  for (const auto& s : kSpecs)
    if (std::getenv(s.env) == nullptr) return false;
  return true;
}

Result<WorkspaceKeys> DefaultKeyProvider::Load() const {
  WorkspaceKeys keys;
  for (const auto& s : kSpecs) {
    if (const char* env = std::getenv(s.env); env != nullptr && *env != '\0') {
      CANDOR_ASSIGN_OR_RETURN(keys.*s.field, DecodeKey(Trim(env), s.env));
      keys.*s.source = "environment";
      continue;
    }
    std::string path = (std::filesystem::path(dir_) / s.file).string();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return NotFound(fmt::format("{}: key not found (and {} is not set)", path, s.env));
    }
    if ((st.st_mode & 077) != 0) {
      return PermissionDenied(fmt::format(
          "{}: key file is readable by others (mode {:o}); run: chmod 600 {}", path,
          st.st_mode & 0777, path));
    }
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = Trim(ss.str());
    CANDOR_ASSIGN_OR_RETURN(keys.*s.field, DecodeKey(text, path));
    sodium_memzero(text.data(), text.size());
    keys.*s.source = "file";
  }
  return keys;
}

Status CreateKeyFiles(const std::string& keys_dir) {
  EnsureSodium();
  std::error_code ec;
  std::filesystem::create_directories(keys_dir, ec);
  if (ec) return Unavailable(fmt::format("{}: cannot create: {}", keys_dir, ec.message()));
  if (::chmod(keys_dir.c_str(), 0700) != 0) {
    return Unavailable(fmt::format("{}: cannot set mode 0700: {}", keys_dir, std::strerror(errno)));
  }
  for (const auto& s : kSpecs) {
    std::string path = (std::filesystem::path(keys_dir) / s.file).string();
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
      if (errno == EEXIST) return AlreadyExists(fmt::format("{}: a key is already there", path));
      return Unavailable(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
    }
    Key32 k;
    randombytes_buf(k.data(), k.size());
    std::string text = Base64Encode(k.data(), k.size()) + "\n";
    sodium_memzero(k.data(), k.size());
    bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ok = (::fsync(fd) == 0) && ok;
    ::close(fd);
    sodium_memzero(text.data(), text.size());
    if (!ok) return Unavailable(fmt::format("{}: cannot write the key", path));
  }
  return Status::Ok();
}

}  // namespace candor::core
