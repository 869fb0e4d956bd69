"""Audio I/O: the only soundfile user (:mod:`.probe`) and the streaming BS.1770 meter."""
