import numpy as np


def box_iou(boxes1, boxes2):
    """IoU of every box of boxes1 (N, 4) with every box of boxes2 (M, 4); boxes are
    (x1, y1, x2, y2). Return an (N, M) array."""
    # TODO: your code here
    raise NotImplementedError


def nms(boxes, scores, iou_threshold=0.5):
    """Greedy non-maximum suppression. Return the kept indices, highest score first."""
    # TODO: your code here
    raise NotImplementedError
