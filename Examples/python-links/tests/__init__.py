import logging
import os

# The services' warnings (a feed disconnected on purpose, a stalled introspection) are expected in
# these tests; LINKS_TEST_LOG=debug shows them.
logging.basicConfig(level=os.environ.get("LINKS_TEST_LOG", "critical").upper(), format="%(relativeCreated)7.0f ms %(name)s: %(message)s")
