"""The part of the add-on that needs no Blender: depth handling, projection maths, request
building and the job runner. Pure Python (plus the vendored client), so it is unit-tested
outside Blender with an ordinary pytest.
"""
