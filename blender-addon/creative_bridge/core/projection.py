"""Camera projection maths: points to normalised 0..1 image coordinates, and which faces
the camera really sees (front-facing and not hidden behind something else).

Matrices are plain 4x4 row-major nested sequences (``m[row][col]``), the layout of
``mathutils.Matrix`` when converted with ``[list(row) for row in m]``, so this module runs
without Blender. Points are (x, y, z) tuples in world space.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

Vec3 = Tuple[float, float, float]
Matrix = Sequence[Sequence[float]]

# A sample counts as visible when its depth is within this fraction (plus an absolute
# margin in scene units) of the depth buffer: the buffer is coarse and ray hits on a
# sloped face differ from its exact plane, so an exact comparison would speckle.
DEPTH_REL_TOLERANCE = 0.02
DEPTH_ABS_TOLERANCE = 1e-3
# Face samples are pulled this far towards the face centre: corners sit on silhouette
# edges, where the buffer jumps between the face and whatever lies behind it.
SAMPLE_INSET = 0.15
# A face is painted when at least this fraction of its samples is visible.
VISIBLE_FRACTION = 0.5


def mat_mul(a: Matrix, b: Matrix) -> List[List[float]]:
    """The 4x4 product a @ b."""
    return [[sum(a[r][k] * b[k][c] for k in range(4)) for c in range(4)] for r in range(4)]


def transform(m: Matrix, p: Vec3) -> Tuple[float, float, float, float]:
    """m @ (x, y, z, 1) as a homogeneous 4-tuple."""
    x, y, z = p
    return tuple(m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3] for r in range(4))  # type: ignore[return-value]


class CameraProjection:
    """A camera as the add-on needs it: world -> camera (``view``) and camera -> clip
    (``projection``, Blender's ``calc_matrix_camera``) matrices, plus whether it is
    orthographic (rays parallel to the view axis rather than through the eye)."""

    def __init__(self, view: Matrix, projection: Matrix, *, orthographic: bool = False):
        self.view = [list(map(float, row)) for row in view]
        self.projection = [list(map(float, row)) for row in projection]
        self.orthographic = bool(orthographic)
        self.view_projection = mat_mul(self.projection, self.view)
        inv = _invert_rigid(self.view)
        # Camera origin and forward axis (-Z of the camera) in world space.
        self.origin: Vec3 = (inv[0][3], inv[1][3], inv[2][3])
        self.forward: Vec3 = _normalise((-inv[0][2], -inv[1][2], -inv[2][2]))

    def planar_z(self, p: Vec3) -> float:
        """Distance of ``p`` along the view axis (Blender's Z pass value; > 0 in front)."""
        return -transform(self.view, p)[2]

    def project(self, p: Vec3) -> Tuple[float, float, float]:
        """(u, v, z): normalised image coordinates (0..1 inside the frame, v up as in
        Blender UVs) and the planar Z. A point behind the eye gets u = v = NaN."""
        x, y, _, w = transform(self.view_projection, p)
        z = self.planar_z(p)
        if w <= 1e-12:
            nan = float("nan")
            return nan, nan, z
        return (x / w) * 0.5 + 0.5, (y / w) * 0.5 + 0.5, z

    def faces_camera(self, normal: Vec3, point: Vec3) -> bool:
        """Whether a face with world ``normal`` through ``point`` is turned towards the
        camera (the view ray and the normal point against each other)."""
        if self.orthographic:
            ray = self.forward
        else:
            ray = (point[0] - self.origin[0], point[1] - self.origin[1], point[2] - self.origin[2])
        return ray[0] * normal[0] + ray[1] * normal[1] + ray[2] * normal[2] < 0.0


class DepthBuffer:
    """Planar Z samples, row-major, rows top to bottom, as rendered from the camera."""

    def __init__(self, z_values: Sequence[float], width: int, height: int):
        if len(z_values) != width * height:
            raise ValueError("expected {} depth samples, got {}".format(width * height, len(z_values)))
        self.z = z_values
        self.width = width
        self.height = height

    def at(self, u: float, v: float) -> Optional[float]:
        """The buffer's Z at normalised (u, v) (v up), or None outside the frame."""
        if not (0.0 <= u <= 1.0 and 0.0 <= v <= 1.0):
            return None
        x = min(int(u * self.width), self.width - 1)
        y = min(int((1.0 - v) * self.height), self.height - 1)
        return self.z[y * self.width + x]

    def sees(self, u: float, v: float, z: float) -> bool:
        """Whether a point at (u, v) with planar Z ``z`` is the nearest thing there."""
        buffered = self.at(u, v)
        if buffered is None or z <= 0.0:
            return False
        return z <= buffered + max(DEPTH_ABS_TOLERANCE, DEPTH_REL_TOLERANCE * z)


def face_samples(corners: Sequence[Vec3]) -> List[Vec3]:
    """Points that stand for a face in the occlusion test: its centre and its corners
    pulled slightly inwards."""
    n = len(corners)
    cx = sum(c[0] for c in corners) / n
    cy = sum(c[1] for c in corners) / n
    cz = sum(c[2] for c in corners) / n
    pts = [(cx, cy, cz)]
    keep = 1.0 - SAMPLE_INSET
    for c in corners:
        pts.append((cx + (c[0] - cx) * keep, cy + (c[1] - cy) * keep, cz + (c[2] - cz) * keep))
    return pts


def face_visible(camera: CameraProjection, corners: Sequence[Vec3], normal: Vec3, *,
                 depth: Optional[DepthBuffer] = None) -> bool:
    """Whether the camera sees a face (world-space ``corners`` and ``normal``): it must
    face the camera, lie at least partly in front of the eye, and (with a ``depth``
    buffer) enough of its samples must not be hidden by nearer geometry."""
    samples = face_samples(corners)
    if not camera.faces_camera(normal, samples[0]):
        return False
    seen = 0
    for p in samples:
        u, v, z = camera.project(p)
        if z <= 0.0 or u != u:  # behind the eye (NaN check without math.isnan)
            continue
        if depth is None:
            if 0.0 <= u <= 1.0 and 0.0 <= v <= 1.0:
                seen += 1
        elif depth.sees(u, v, z):
            seen += 1
    return seen >= VISIBLE_FRACTION * len(samples)


def project_mesh(camera: CameraProjection, vertices: Sequence[Vec3], faces: Sequence[Sequence[int]], *,
                 normals: Sequence[Vec3], depth: Optional[DepthBuffer] = None):
    """Project a mesh: per face, the UV of each corner (in the order of ``faces``) and
    whether the face is visible.

    ``vertices`` are world-space positions, ``faces`` lists of vertex indices,
    ``normals`` world-space face normals. Returns ``(uvs, visible)``: ``uvs`` a flat list
    of (u, v) per face corner, ``visible`` one bool per face. Corners of hidden faces
    still get their projected coordinates (clamped to 0..1) so the layer is tidy; the
    mask decides what gets painted.
    """
    projected = [camera.project(p) for p in vertices]
    uvs: List[Tuple[float, float]] = []
    visible: List[bool] = []
    for face, normal in zip(faces, normals):
        corners = [vertices[i] for i in face]
        vis = face_visible(camera, corners, normal, depth=depth)
        visible.append(vis)
        for i in face:
            u, v, _ = projected[i]
            if u != u:
                u = v = 0.0
            uvs.append((min(max(u, 0.0), 1.0), min(max(v, 0.0), 1.0)))
    return uvs, visible


def _normalise(v: Vec3) -> Vec3:
    length = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) ** 0.5 or 1.0
    return v[0] / length, v[1] / length, v[2] / length


def _invert_rigid(m: Matrix) -> List[List[float]]:
    """Inverse of a rotation+translation(+uniform scale) 4x4 matrix, via a general 3x3
    inverse so a scaled camera still works."""
    a = [[m[r][c] for c in range(3)] for r in range(3)]
    det = (a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
           - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
           + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]))
    if abs(det) < 1e-15:
        raise ValueError("camera matrix is singular")
    inv3 = [[0.0] * 3 for _ in range(3)]
    for r in range(3):
        for c in range(3):
            r1, r2 = [i for i in range(3) if i != c]
            c1, c2 = [i for i in range(3) if i != r]
            minor = a[r1][c1] * a[r2][c2] - a[r1][c2] * a[r2][c1]
            inv3[r][c] = ((-1) ** (r + c)) * minor / det
    t = [m[0][3], m[1][3], m[2][3]]
    out = [[inv3[r][0], inv3[r][1], inv3[r][2], -sum(inv3[r][k] * t[k] for k in range(3))] for r in range(3)]
    out.append([0.0, 0.0, 0.0, 1.0])
    return out
