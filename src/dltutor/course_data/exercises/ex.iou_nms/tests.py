"""Hidden tests for ex.iou_nms."""

import numpy as np

IOU = ("the intersection area over the union area", "交集面积除以并集面积")
KEPT = ("the kept indices, highest score first", "保留的下标，按分数从高到低")


def pixel_iou(a, b, size=12):
    """IoU of integer boxes by counting the unit cells each covers: independent of any formula."""
    grid = np.zeros((2, size, size), dtype=bool)
    for g, (x1, y1, x2, y2) in zip(grid, (a, b)):
        g[int(y1):int(y2), int(x1):int(x2)] = True
    union = (grid[0] | grid[1]).sum()
    return (grid[0] & grid[1]).sum() / union if union else 0.0


def greedy(boxes, scores, thr):
    """NMS written out independently: repeatedly take the best remaining, drop its overlaps."""
    remaining = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    kept = []
    while remaining:
        best = remaining.pop(0)
        kept.append(best)
        remaining = [i for i in remaining if pixel_iou(boxes[best], boxes[i], 45) <= thr]
    return kept


def test_iou_known_values(t):
    a = np.array([[0.0, 0.0, 10.0, 10.0]])
    b = np.array([[0.0, 0.0, 10.0, 10.0], [20.0, 20.0, 30.0, 30.0], [5.0, 0.0, 15.0, 10.0], [10.0, 0.0, 20.0, 10.0], [2.0, 2.0, 4.0, 6.0]])
    t.close(t.call("box_iou", a, b), np.array([[1.0, 0.0, 1 / 3, 0.0, 0.08]]), ("identical 1, apart 0, shifted by half 1/3, touching 0, inside 8/100", "相同 1，分离 0，平移一半 1/3，边相接 0，被包含 8/100"))


def test_iou_shape_and_order(t):
    a = np.array([[0.0, 0.0, 2.0, 2.0], [1.0, 1.0, 3.0, 4.0]])
    b = np.array([[1.0, 0.0, 2.0, 5.0], [0.0, 0.0, 1.0, 1.0], [1.5, 1.5, 2.5, 2.5]])
    got = t.call("box_iou", a, b)
    t.close(got, t.ref.box_iou(a, b), ("an (N, M) = (2, 3) array: row i is box i of boxes1", "(N, M) = (2, 3) 的数组：第 i 行对应 boxes1 的第 i 个框"))
    t.close(t.call("box_iou", b, a), t.ref.box_iou(a, b).T, ("the transpose when the arguments are swapped", "交换参数时得到转置"))


def test_iou_by_counting_cells(t):
    rng = np.random.default_rng(200)
    def boxes(n):
        x = np.sort(rng.integers(0, 12, size=(n, 2)), axis=1)
        y = np.sort(rng.integers(0, 12, size=(n, 2)), axis=1)
        x[:, 1] += 1
        y[:, 1] += 1
        return np.stack([x[:, 0], y[:, 0], x[:, 1], y[:, 1]], axis=1).astype(float)
    a, b = boxes(6), boxes(7)
    want = np.array([[pixel_iou(p, q, 13) for q in b] for p in a])
    t.close(t.call("box_iou", a, b), want, ("IoU of integer boxes (checked by counting covered cells)", "整数坐标框的 IoU（按覆盖的单元格计数核对）"))


def test_iou_empty_boxes(t):
    a = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 2.0, 0.0]])
    got = t.call("box_iou", a, a)
    t.finite(got, ("finite values: boxes of zero area give IoU 0, not 0/0", "有限值：面积为 0 的框 IoU 为 0，而不是 0/0"))
    t.close(got, np.zeros((2, 2)), ("zeros: boxes of zero area", "全 0：面积为 0 的框"))
    t.close(t.call("box_iou", np.zeros((0, 4)), np.array([[0.0, 0.0, 1.0, 1.0]])), np.zeros((0, 1)), ("an empty (0, 1) array", "空的 (0, 1) 数组"))


def test_nms_lesson_example(t):
    boxes = np.array([[10.0, 10.0, 50.0, 50.0], [12.0, 12.0, 52.0, 52.0], [8.0, 10.0, 48.0, 49.0], [100.0, 100.0, 140.0, 150.0]])
    t.equal(t.call("nms", boxes, np.array([0.9, 0.8, 0.7, 0.6])), [0, 3], ("[0, 3]: the two near-duplicates of box 0 are suppressed", "[0, 3]：框 0 的两个近似重复被抑制"))


def test_nms_order_by_score(t):
    boxes = np.array([[0.0, 0.0, 1.0, 1.0], [5.0, 5.0, 6.0, 6.0], [10.0, 0.0, 11.0, 1.0]])
    t.equal(t.call("nms", boxes, np.array([0.2, 0.9, 0.5])), [1, 2, 0], ("[1, 2, 0]: nothing overlaps, all kept by decreasing score", "[1, 2, 0]：互不重叠，全部保留，按分数从高到低"))


def test_nms_threshold_is_strict(t):
    # IoU of the two boxes is exactly 2/4 = 0.5: equal to the threshold, so both stay
    boxes = np.array([[0.0, 0.0, 3.0, 1.0], [1.0, 0.0, 4.0, 1.0]])
    t.equal(t.call("nms", boxes, np.array([0.9, 0.8]), 0.5), [0, 1], ("[0, 1]: IoU 0.5 is not above the threshold 0.5", "[0, 1]：IoU 0.5 并不大于阈值 0.5"))
    t.equal(t.call("nms", boxes, np.array([0.9, 0.8]), 0.4), [0], ("[0]: IoU 0.5 is above 0.4", "[0]：IoU 0.5 大于 0.4"))


def test_nms_equal_scores(t):
    boxes = np.array([[0.0, 0.0, 4.0, 4.0], [0.0, 0.0, 4.0, 4.0], [1.0, 1.0, 5.0, 5.0]])
    t.equal(t.call("nms", boxes, np.array([0.7, 0.7, 0.7])), [0, 2], ("[0, 2]: equal scores are taken lowest index first; box 2 overlaps box 0 with IoU 9/23", "[0, 2]：分数相同时下标小的先处理；框 2 与框 0 的 IoU 为 9/23"))


def test_nms_only_kept_boxes_suppress(t):
    # 0 suppresses 1; 1 would suppress 2, but 1 is gone, and 0 barely touches 2
    boxes = np.array([[0.0, 0.0, 10.0, 10.0], [4.0, 0.0, 14.0, 10.0], [8.0, 0.0, 18.0, 10.0]])
    t.equal(t.call("nms", boxes, np.array([0.9, 0.8, 0.7]), 0.4), [0, 2], ("[0, 2]: box 1 is suppressed by 0 and then suppresses nothing", "[0, 2]：框 1 被框 0 抑制，之后不再抑制其他框"))


def test_nms_empty_and_lists(t):
    t.equal(t.call("nms", np.zeros((0, 4)), np.zeros(0)), [], ("[] for no boxes", "没有框时为 []"))
    t.equal(t.call("nms", [[0, 0, 2, 2], [1, 1, 3, 3]], [0.3, 0.6], 0.1), [1], ("[1]: their IoU 1/7 ≈ 0.14 is above 0.1, so box 0 goes", "[1]：两者的 IoU 1/7 ≈ 0.14 大于 0.1，框 0 被抑制"))


def test_nms_random(t):
    rng = np.random.default_rng(201)
    for n, thr in [(8, 0.5), (20, 0.3), (30, 0.6)]:
        xy = rng.integers(0, 30, size=(n, 2))
        wh = rng.integers(3, 12, size=(n, 2))
        boxes = np.hstack([xy, xy + wh]).astype(float)
        scores = np.round(rng.random(n), 1)  # rounded: some equal scores
        t.equal(t.call("nms", boxes, scores, thr), greedy(boxes, scores, thr), KEPT)
