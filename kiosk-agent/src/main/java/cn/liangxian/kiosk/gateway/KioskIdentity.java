package cn.liangxian.kiosk.gateway;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/** This kiosk's id and ECDSA P-256 key pair, kept as PEM files (PKCS#8 private key, SPKI public key). */
public record KioskIdentity(String kioskId, KeyPair keys) {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KioskIdentity.class);
  static final Provider BC = new BouncyCastleProvider();

  public static KeyPair generate() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Loads {@code kiosk-key.pem} and {@code kiosk-pub.pem} from the directory, creating them on first start. The public
   * half is always the private key's: derived from it, and written again (whole) where the file is missing or holds
   * another key, as two first starts at once, or a start after one that stopped between the two files, would leave it.
   */
  public static KioskIdentity loadOrCreate(String kioskId, Path dir) throws IOException {
    Path priv = dir.resolve("kiosk-key.pem");
    Path pub = dir.resolve("kiosk-pub.pem");
    if (!Files.exists(priv)) {
      Files.createDirectories(dir);
      // readable by the agent's user only from its first byte, whole or not there; a key another process made
      // meanwhile is the kiosk's key, not the one made here
      if (!createOnce(priv, pem(generate().getPrivate()))) {
        LOG.info("the kiosk's key was made by another start meanwhile: using that one");
      }
    }
    JcaPEMKeyConverter conv = new JcaPEMKeyConverter().setProvider(BC);
    PrivateKey k;
    try (Reader r = Files.newBufferedReader(priv); PEMParser p = new PEMParser(r)) {
      k = conv.getPrivateKey((PrivateKeyInfo) p.readObject());
    }
    PublicKey half = publicOf(k);
    PublicKey onDisk = null;
    if (Files.exists(pub)) {
      try (Reader r = Files.newBufferedReader(pub); PEMParser p = new PEMParser(r)) {
        onDisk = p.readObject() instanceof SubjectPublicKeyInfo info ? conv.getPublicKey(info) : null;
      } catch (IOException | RuntimeException unreadable) {
        onDisk = null; // written again below
      }
    }
    if (onDisk == null || !java.util.Arrays.equals(onDisk.getEncoded(), half.getEncoded())) {
      if (Files.exists(pub)) {
        // the gateway may have been given the wrong half: signatures by this key would be refused until it has this one
        LOG.warn("{} did not hold the public half of {}: written again from the private key; register this kiosk's"
            + " public key again if the gateway was given the other one", pub.getFileName(), priv.getFileName());
      }
      inPlace(pub, pem(half));
    }
    readableByAll(pub);
    return new KioskIdentity(kioskId, new KeyPair(half, k));
  }

  /**
   * The public half readable by all, as the technician registering the kiosk reads it: set on the file itself at every
   * start, since a mode given at creation is cut by the umask (a 077 one leaves it the agent's only), and a kiosk
   * installed before kept the 0600 its first start gave it. A file system without POSIX modes has nothing to set.
   */
  private static void readableByAll(Path pub) {
    try {
      java.util.Set<java.nio.file.attribute.PosixFilePermission> mode = Files.getPosixFilePermissions(pub);
      if (!mode.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
        Files.setPosixFilePermissions(pub, PosixFilePermissions.fromString("rw-r--r--"));
      }
    } catch (UnsupportedOperationException notPosix) {
      // nothing to set
    } catch (IOException notOurs) {
      // a file another user owns, or a read-only key folder: the kiosk works with it as it is
      LOG.warn("could not make {} readable by all ({}): the kiosk runs on, its technician reads it as its owner",
          pub.getFileName(), notOurs.toString());
    }
  }

  /** The public half of an elliptic-curve private key (the kiosk's is P-256): its curve's generator times its secret. */
  static PublicKey publicOf(PrivateKey key) {
    if (!(key instanceof org.bouncycastle.jce.interfaces.ECPrivateKey ec)) {
      throw new IllegalArgumentException("the kiosk's key is not an elliptic-curve key: " + key.getAlgorithm());
    }
    try {
      org.bouncycastle.jce.spec.ECParameterSpec curve = ec.getParameters();
      return java.security.KeyFactory.getInstance("EC", BC).generatePublic(
          new org.bouncycastle.jce.spec.ECPublicKeySpec(curve.getG().multiply(ec.getD()).normalize(), curve));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot derive the public half of the kiosk's key", e);
    }
  }

  /**
   * Writes a key file that does not exist yet: beside its place, on the disk, then linked there, which fails if another
   * process made it meanwhile (that one is kept). Whether this call made it.
   */
  private static boolean createOnce(Path file, String pem) throws IOException {
    Path tmp = written(file, pem, true);
    try {
      try {
        Files.createLink(file, tmp);
      } catch (java.nio.file.FileAlreadyExistsException made) {
        return false;
      } catch (UnsupportedOperationException | java.nio.file.FileSystemException noLinks) {
        // a file system without hard links: moved into place, which refuses a file there already too
        Files.move(tmp, file);
      }
      return true;
    } catch (java.nio.file.FileAlreadyExistsException made) {
      return false;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes a public key file beside its place, on the disk, then moves it there: a crash leaves the old file or the new whole. */
  private static void inPlace(Path file, String pem) throws IOException {
    Path tmp = written(file, pem, false);
    try {
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A temporary file beside {@code file} holding {@code pem}, on the disk; the private key's readable by its owner only. */
  private static Path written(Path file, String pem, boolean ownerOnly) throws IOException {
    Path tmp;
    try {
      tmp = ownerOnly ? Files.createTempFile(file.getParent(), ".kiosk-key", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          // the public half readable by all (readableByAll sets it whatever the umask leaves of this)
          : Files.createTempFile(file.getParent(), ".kiosk-pub", ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    } catch (UnsupportedOperationException notPosix) {
      tmp = Files.createTempFile(file.getParent(), ".kiosk", ".tmp");
    }
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(pem.getBytes(StandardCharsets.US_ASCII)));
      ch.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  public String publicKeyPem() {
    return pem(keys.getPublic());
  }

  static String pem(Object key) {
    StringWriter s = new StringWriter();
    try (Writer w = s; JcaPEMWriter p = new JcaPEMWriter(w)) {
      if (key instanceof PrivateKey k) {
        p.writeObject(new JcaPKCS8Generator(k, null)); // PKCS#8, not OpenSSL's SEC1 "EC PRIVATE KEY"
      } else {
        p.writeObject(key);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return s.toString();
  }

  @Override
  public String toString() {
    return "KioskIdentity[" + kioskId + "]";
  }
}
