#pragma once
// Files that resvk reads whole (models, external tensor data, test-set .pb,
// `models verify FILE`): regular files only, opened without blocking, so a
// FIFO, a folder or a device named where a file belongs is a clear error
// instead of a hang or an endless read. (Video inputs are streamed by FFmpeg
// and may be pipes on purpose; they do not come through here.)
#include <cstdint>
#include <string>

namespace resvk::model {

class RegularFile {
public:
    // `what` names the file in errors, e.g. "model 'a.onnx'". Throws Error
    // "<what>: not found / is a folder / is a FIFO (named pipe) ... / cannot open: <reason>".
    RegularFile(const std::string& path, const std::string& what);
    ~RegularFile();
    RegularFile(const RegularFile&) = delete;
    RegularFile& operator=(const RegularFile&) = delete;

    int fd() const { return fd_; }
    int64_t size() const { return size_; }
    // Bytes [offset, offset + length), which must lie inside the file.
    std::string read(int64_t offset, int64_t length) const;
    std::string readAll() const { return read(0, size_); }

private:
    std::string what_;
    int fd_ = -1;
    int64_t size_ = 0;
};

}  // namespace resvk::model
