"""The demo recording's sources (scripts/gen_demo.py writes it):

- story.py: what happens when, one `at(t, step)` line per thing a person or the
  world does: create a Service or a pod, make a probe start passing or failing,
  taint a node, stop a kubelet;
- pods.py: the pods' manifests, and how their containers behave;
- simulator.py: a small control plane that turns a story into the watch events an
  API server would send (usable with any story, e.g. from a test);
- objects.py: the Kubernetes objects as the API server stores them.
"""
