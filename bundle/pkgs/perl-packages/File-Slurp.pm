package File::Slurp;

# A small File::Slurp of ntop's own: the handful of functions NixOS' scripts call, with the
# same names and calling conventions (read_file, write_file, append_file, read_dir).

use strict;
use warnings;
use Exporter 'import';

our $VERSION = '9999.ntop';
our @EXPORT = qw(read_file write_file append_file read_dir);
our @EXPORT_OK = qw(slurp);

sub _options {
    my @args = @_;
    return ref $args[0] eq 'HASH' ? shift @args : {}, @args;
}

sub read_file {
    my ($file, %opts) = @_;
    open(my $fh, '<', $file) or do {
        return undef if $opts{err_mode} && $opts{err_mode} eq 'quiet';
        die "read_file '$file': $!\n";
    };
    binmode $fh if $opts{binmode};
    local $/ = wantarray ? "\n" : undef;
    my @lines = <$fh>;
    close $fh;
    if (wantarray) {
        chomp @lines if $opts{chomp};
        return @lines;
    }
    my $content = $lines[0] // '';
    ${ $opts{buf_ref} } = $content if $opts{buf_ref};
    return $content;
}

*slurp = \&read_file;

sub _write {
    my ($mode, $file, @rest) = @_;
    my ($opts, @data) = _options(@rest);
    my $tmp = $opts->{atomic} ? "$file.tmp$$" : $file;
    open(my $fh, $mode, $tmp) or die "write_file '$file': $!\n";
    binmode $fh if $opts->{binmode};
    print $fh map { ref $_ eq 'ARRAY' ? @$_ : ref $_ eq 'SCALAR' ? $$_ : $_ } @data;
    close $fh or die "write_file '$file': $!\n";
    rename($tmp, $file) or die "write_file '$file': $!\n" if $opts->{atomic};
    return 1;
}

sub write_file { return _write('>', @_); }
sub append_file { return _write('>>', @_); }

sub read_dir {
    my ($dir) = @_;
    opendir(my $dh, $dir) or die "read_dir '$dir': $!\n";
    my @entries = grep { $_ ne '.' && $_ ne '..' } readdir $dh;
    closedir $dh;
    return @entries;
}

1;
