# expect-fail: iou_known_values, iou_by_counting_cells
# Uses the old pixel-index convention, width = x2 - x1 + 1, for boxes in continuous coordinates.
import numpy as np


def box_iou(boxes1, boxes2):
    a = np.asarray(boxes1, dtype=float).reshape(-1, 4)[:, None, :]
    b = np.asarray(boxes2, dtype=float).reshape(-1, 4)[None, :, :]
    iw = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]) + 1, 0, None)
    ih = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]) + 1, 0, None)
    inter = iw * ih
    area_a = (a[..., 2] - a[..., 0] + 1) * (a[..., 3] - a[..., 1] + 1)
    area_b = (b[..., 2] - b[..., 0] + 1) * (b[..., 3] - b[..., 1] + 1)
    return inter / (area_a + area_b - inter)


def nms(boxes, scores, iou_threshold=0.5):
    iou = box_iou(boxes, boxes)
    keep = []
    for i in np.argsort(-np.asarray(scores, dtype=float), kind="stable"):
        if all(iou[i, k] <= iou_threshold for k in keep):
            keep.append(int(i))
    return keep
