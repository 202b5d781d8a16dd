#pragma once
// Where each source goes in the window: a grid of equal cells (as square as the
// count allows), each picture letterboxed inside its cell with its aspect kept.
#include <algorithm>
#include <cmath>

namespace resvk::app::viewer {

struct Rect {
    int x = 0, y = 0, w = 0, h = 0;
};

inline Rect gridCell(int index, int count, int width, int height) {
    const int cols = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count)))));
    const int rows = std::max(1, (count + cols - 1) / cols);
    const int col = index % cols, row = index / cols;
    const int x0 = width * col / cols, x1 = width * (col + 1) / cols;
    const int y0 = height * row / rows, y1 = height * (row + 1) / rows;
    return {x0, y0, x1 - x0, y1 - y0};
}

inline Rect letterbox(const Rect& cell, int pictureW, int pictureH) {
    if (pictureW <= 0 || pictureH <= 0 || cell.w <= 0 || cell.h <= 0) return {cell.x, cell.y, 0, 0};
    const double scale = std::min(static_cast<double>(cell.w) / pictureW, static_cast<double>(cell.h) / pictureH);
    const int w = std::clamp(static_cast<int>(std::lround(pictureW * scale)), 1, cell.w);
    const int h = std::clamp(static_cast<int>(std::lround(pictureH * scale)), 1, cell.h);
    return {cell.x + (cell.w - w) / 2, cell.y + (cell.h - h) / 2, w, h};
}

}  // namespace resvk::app::viewer
