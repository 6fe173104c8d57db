"""Unit tests of the bpy-free projection maths, with a camera built by hand."""

import math

import pytest

from creative_bridge.core import projection as proj


def perspective(fov_deg=90.0, near=0.1, far=100.0):
    """An OpenGL-style projection matrix (what Blender's calc_matrix_camera returns)."""
    f = 1.0 / math.tan(math.radians(fov_deg) / 2)
    return [[f, 0, 0, 0], [0, f, 0, 0],
            [0, 0, (far + near) / (near - far), 2 * far * near / (near - far)], [0, 0, -1, 0]]


IDENTITY = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]


def camera_at_z(z=10.0, **kw):
    """Camera at (0, 0, z) looking down -Z (the view matrix is the inverse translation)."""
    view = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, -z], [0, 0, 0, 1]]
    return proj.CameraProjection(view, perspective(**kw))


def test_camera_origin_and_forward():
    cam = camera_at_z(10)
    assert cam.origin == pytest.approx((0, 0, 10))
    assert cam.forward == pytest.approx((0, 0, -1))


def test_projection_to_uv_and_planar_z():
    cam = camera_at_z(10)  # 90 degree fov: at 10 m the frame spans -10..10
    u, v, z = cam.project((0, 0, 0))
    assert (u, v, z) == pytest.approx((0.5, 0.5, 10))
    u, v, z = cam.project((5, -10, 0))
    assert (u, v) == pytest.approx((0.75, 0.0))
    u, v, _ = cam.project((0, 0, 20))  # behind the eye
    assert u != u and v != v


def test_back_faces_are_not_facing():
    cam = camera_at_z(10)
    assert cam.faces_camera((0, 0, 1), (0, 0, 0))
    assert not cam.faces_camera((0, 0, -1), (0, 0, 0))


def test_occlusion_against_depth_buffer():
    cam = camera_at_z(10)
    square = [(-1, -1, 0), (1, -1, 0), (1, 1, 0), (-1, 1, 0)]
    up = (0, 0, 1)
    open_buffer = proj.DepthBuffer([10.0] * 16, 4, 4)
    assert proj.face_visible(cam, square, up, depth=open_buffer)
    blocked = proj.DepthBuffer([5.0] * 16, 4, 4)  # something at 5 m covers the frame
    assert not proj.face_visible(cam, square, up, depth=blocked)
    assert not proj.face_visible(cam, square, (0, 0, -1), depth=open_buffer)


def test_depth_buffer_lookup_is_top_down():
    buf = proj.DepthBuffer([1.0, 2.0, 3.0, 4.0], 2, 2)
    assert buf.at(0.1, 0.9) == 1.0  # v up: the top row comes first
    assert buf.at(0.9, 0.1) == 4.0
    assert buf.at(1.5, 0.5) is None


def test_project_mesh_masks_and_orders_uvs():
    cam = camera_at_z(10)
    verts = [(-1, -1, 0), (1, -1, 0), (1, 1, 0), (-1, 1, 0)]
    faces = [(0, 1, 2, 3), (3, 2, 1, 0)]
    normals = [(0, 0, 1), (0, 0, -1)]
    uvs, visible = proj.project_mesh(cam, verts, faces, normals=normals)
    assert visible == [True, False]
    assert len(uvs) == 8
    assert uvs[0] == pytest.approx((0.45, 0.45)) and uvs[2] == pytest.approx((0.55, 0.55))
    assert uvs[4] == uvs[3]  # the second face starts at vertex 3


def test_orthographic_camera_uses_view_axis_for_facing():
    ortho = [[0.1, 0, 0, 0], [0, 0.1, 0, 0], [0, 0, -0.02, -1], [0, 0, 0, 1]]
    cam = proj.CameraProjection([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, -10], [0, 0, 0, 1]], ortho,
                                orthographic=True)
    # A face far to the side but tilted towards +Z still faces an orthographic camera.
    assert cam.faces_camera((0.3, 0, 0.95), (50, 0, 0))
    assert cam.project((5, 0, 0))[0] == pytest.approx(0.75)


def test_rotated_camera_inverse():
    c, s = math.cos(0.3), math.sin(0.3)
    world = [[c, 0, s, 1], [0, 1, 0, 2], [-s, 0, c, 3], [0, 0, 0, 1]]
    view = proj._invert_rigid(world)
    cam = proj.CameraProjection(view, IDENTITY)
    assert cam.origin == pytest.approx((1, 2, 3))
    assert cam.forward == pytest.approx((-s, 0, -c))
