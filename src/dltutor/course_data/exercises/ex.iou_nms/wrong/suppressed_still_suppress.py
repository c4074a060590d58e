# expect-fail: nms_only_kept_boxes_suppress
# Removes every box that overlaps any higher-scoring box, even one that was itself suppressed.
import numpy as np


def box_iou(boxes1, boxes2):
    a = np.asarray(boxes1, dtype=float).reshape(-1, 4)[:, None, :]
    b = np.asarray(boxes2, dtype=float).reshape(-1, 4)[None, :, :]
    iw = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    ih = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = iw * ih
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def nms(boxes, scores, iou_threshold=0.5):
    iou = box_iou(boxes, boxes)
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    keep = []
    for pos, i in enumerate(order):
        if all(iou[i, k] <= iou_threshold for k in order[:pos]):
            keep.append(int(i))
    return keep
