"""Scripts of the checkout (not in the wheel): gen_demo.py, screenshots.py."""
