[ mirror://gnu/hello.tar.gz git+ssh://host/repo file:///etc/hosts urn:isbn:0451450523 ]
