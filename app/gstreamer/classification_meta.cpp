#include "classification_meta.h"

namespace resvk::gst {

GstStructure* classificationStructure(const std::vector<classify::RankedLabel>& top, const std::string& model) {
    const classify::RankedLabel& best = top.at(0);
    GstStructure* s = gst_structure_new(kClassificationName, "label", G_TYPE_STRING, best.label.c_str(), "index",
                                        G_TYPE_INT, best.index, "confidence", G_TYPE_DOUBLE,
                                        static_cast<double>(best.prob), "model", G_TYPE_STRING, model.c_str(), nullptr);
    GValue list = G_VALUE_INIT;
    gst_value_array_init(&list, static_cast<guint>(top.size()));
    for (const auto& r : top) {
        GValue entry = G_VALUE_INIT;
        g_value_init(&entry, GST_TYPE_STRUCTURE);
        GstStructure* c = gst_structure_new("class", "label", G_TYPE_STRING, r.label.c_str(), "index", G_TYPE_INT,
                                            r.index, "confidence", G_TYPE_DOUBLE, static_cast<double>(r.prob), nullptr);
        g_value_take_boxed(&entry, c);
        gst_value_array_append_and_take_value(&list, &entry);
    }
    gst_structure_take_value(s, "top-k", &list);
    return s;
}

void attachClassification(GstBuffer* buffer, const GstVideoInfo& info, const std::vector<classify::RankedLabel>& top,
                          const std::string& model) {
    GstVideoRegionOfInterestMeta* roi = gst_buffer_add_video_region_of_interest_meta(
        buffer, top.at(0).label.c_str(), 0, 0, static_cast<guint>(GST_VIDEO_INFO_WIDTH(&info)),
        static_cast<guint>(GST_VIDEO_INFO_HEIGHT(&info)));
    gst_video_region_of_interest_meta_add_param(roi, classificationStructure(top, model));
}

GstMessage* classificationMessage(GstObject* element, const std::vector<classify::RankedLabel>& top,
                                  const std::string& model, guint64 frame, GstClockTime timestamp,
                                  GstClockTime streamTime, GstClockTime runningTime) {
    GstStructure* s = classificationStructure(top, model);
    gst_structure_set(s, "frame", G_TYPE_UINT64, frame, "timestamp", G_TYPE_UINT64, timestamp, "stream-time",
                      G_TYPE_UINT64, streamTime, "running-time", G_TYPE_UINT64, runningTime, nullptr);
    return gst_message_new_element(element, s);
}

}  // namespace resvk::gst
